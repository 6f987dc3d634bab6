package status

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Status is a snapshot of a model's status as the controller reported it in
// one Client.FullStatus call. A Status is never modified after it has been
// returned, so it is safe for concurrent reads; do not modify it yourself.
//
// Maps are keyed by name (application "pg", unit "pg/0", machine "0").
// Maps and slices that the controller sent empty may be nil.
type Status struct {
	// Model describes the model itself.
	Model Model
	// Applications holds the model's applications (only those matching the
	// patterns, when patterns were given).
	Applications map[string]*Application
	// Machines holds the model's top-level machines; containers are in
	// their host's Containers.
	Machines map[string]*Machine
	// Relations holds the relations between the applications.
	Relations []*Relation
	// Offers holds the offers the model makes to other models.
	Offers map[string]*Offer
	// RemoteApplications holds the applications consumed from other models
	// (SAAS), by local name.
	RemoteApplications map[string]*RemoteApplication
	// Storage, Filesystems and Volumes are filled only when storage was
	// asked for (Options.IncludeStorage).
	Storage     []*StorageInstance
	Filesystems []*Filesystem
	Volumes     []*Volume
	// ControllerTimestamp is the controller's clock when it built the
	// snapshot. It is the reference for every Since in the snapshot; it is
	// zero if the controller did not send it.
	ControllerTimestamp time.Time

	// received is the local time the snapshot arrived; sent the local time
	// the request left (both carry monotonic readings). Zero for snapshots
	// decoded from saved data.
	received, sent time.Time
	// units indexes every unit, subordinates included.
	units map[string]*Unit
	// guard, set by a Waiter, holds for each application the server time
	// of the last change made through the waiting client ("" = model-wide).
	guard map[string]time.Time
}

// Info is one status value: the status proper (Current), its message
// and when it was set. It is Juju's DetailedStatus.
type Info struct {
	// Current is the status value: "active", "idle", "executing", ...
	Current string
	// Message is the human readable message set with the status.
	Message string
	// Since is when the status was set, by the controller's clock; zero
	// when unknown.
	Since time.Time
	// Version is set for some entities (a unit's agent version).
	Version string
	// Life is "alive", "dying" or "dead" when the controller sends it
	// (Juju 3.6's FullStatus leaves it empty for a live entity).
	Life string
	// Data holds extra data the agent set (for example the failed hook).
	Data map[string]any
	// Err is the error the controller reported for this status, if any.
	Err error
}

// String renders the status as "current" or "current: message".
func (s Info) String() string {
	if s.Message == "" {
		return s.Current
	}
	return s.Current + ": " + s.Message
}

// Model describes the model in a Status snapshot.
type Model struct {
	Name string
	// Type is "iaas" or "caas".
	Type string
	// Cloud is the cloud name (the tag without its "cloud-" prefix).
	Cloud  string
	Region string
	// Version is the model's agent version; AvailableVersion a newer one
	// the model could be upgraded to, if any.
	Version          string
	AvailableVersion string
	// Status is the model status: "available", "busy", "destroying", ...
	Status Info
	// SLA is the model's support level as Juju 3.6 reports it
	// ("unsupported" unless set); Juju 4 has none and leaves it empty.
	SLA string
}

// Base is an operating system base as status reports it
// (Name "ubuntu", Channel "22.04" or "22.04/stable").
type Base struct {
	Name    string
	Channel string
}

// String renders the base as Juju writes it: "ubuntu@22.04" (the risk of
// a "/stable" channel is left out, other risks are kept).
func (b Base) String() string {
	if b.Name == "" {
		return ""
	}
	return b.Name + "@" + strings.TrimSuffix(b.Channel, "/stable")
}

// ExposedEndpoint says to what an exposed endpoint is open.
type ExposedEndpoint struct {
	ToSpaces []string
	ToCIDRs  []string
}

// Application is the status of one application.
type Application struct {
	Name string
	// Charm is the charm URL ("ch:amd64/postgresql-345", "local:pg-0").
	Charm string
	// CharmName is the charm's name taken from its URL ("postgresql").
	CharmName    string
	CharmChannel string
	// CharmRev is the charm revision; taken from the URL when the
	// controller did not send it.
	CharmRev     int
	CharmVersion string
	CharmProfile string
	CanUpgradeTo string
	Base         Base
	Exposed      bool
	// ExposedEndpoints is keyed by endpoint name ("" = all endpoints).
	ExposedEndpoints map[string]ExposedEndpoint
	Life             string
	// Status is the application status as the controller reports it.
	// On Juju 4 this is the status the charm set, which may be "unknown"
	// even when every unit is active; see EffectiveStatus.
	Status          Info
	WorkloadVersion string
	// Relations maps each endpoint to the applications related on it.
	Relations map[string][]string
	// SubordinateTo lists the principal applications of a subordinate.
	SubordinateTo []string
	// Units holds the application's units. For a subordinate application
	// these are the subordinate units found under the principals' units
	// (the wire format lists them only there); the same *Unit is
	// also in its principal's Subordinates.
	Units map[string]*Unit
	// Scale is the wanted number of units of a Kubernetes application.
	Scale            int
	ProviderID       string
	PublicAddress    string
	EndpointBindings map[string]string
	// Err is the error the controller reported instead of this
	// application's status, if any.
	Err error
}

// Subordinate reports whether the application is a subordinate.
func (a *Application) Subordinate() bool { return len(a.SubordinateTo) > 0 }

// UnitList returns the application's units sorted by unit number
// (subordinate units included for a subordinate application).
func (a *Application) UnitList() []*Unit {
	out := make([]*Unit, 0, len(a.Units))
	for _, u := range a.Units {
		out = append(out, u)
	}
	slices.SortFunc(out, compareUnits)
	return out
}

// severity is the order in which Juju derives an application's status
// from its units' workload statuses: the most severe wins.
var severity = map[string]int{
	"error":       100,
	"blocked":     90,
	"maintenance": 80,
	"waiting":     70,
	"active":      60,
	"terminated":  50,
	"unknown":     40,
}

// EffectiveStatus is the application status a wait compares against.
//
// It is Status, except when Status is "unknown" (or empty) and the
// application has units: then it is derived from the units' workload
// statuses the way Juju 3 derives it (the most severe of error, blocked,
// maintenance, waiting, active, terminated, unknown wins, with that unit's
// message and since). Juju 4 no longer derives the application status from
// its units: a charm that never sets an application status shows
// "unknown" while all its units are active. With this rule such an
// application counts as active exactly when all its units are, on Juju 4
// and 3.6 alike.
func (a *Application) EffectiveStatus() Info {
	if (a.Status.Current != "" && a.Status.Current != "unknown") || len(a.Units) == 0 {
		return a.Status
	}
	var best *Unit
	bestSev := -1
	for _, u := range a.Units {
		sev, ok := severity[u.WorkloadStatus.Current]
		if !ok {
			sev = 0
		}
		if sev > bestSev || (sev == bestSev && compareUnits(u, best) < 0) {
			best, bestSev = u, sev
		}
	}
	st := best.WorkloadStatus
	st.Version, st.Life, st.Data, st.Err = "", a.Status.Life, nil, nil
	return st
}

// Unit is the status of one unit.
type Unit struct {
	// Name is the unit name ("pg/0"), Application its application ("pg").
	Name        string
	Application string
	// Principal is the principal unit of a subordinate unit ("" for a
	// principal unit).
	Principal string
	// WorkloadStatus is what the charm reports ("active", "blocked", ...;
	// "error" when a hook failed). AgentStatus is the unit agent's
	// ("allocating", "executing", "idle", ...).
	WorkloadStatus  Info
	AgentStatus     Info
	WorkloadVersion string
	// Machine is the machine the unit runs on ("0", "0/lxd/1").
	Machine     string
	OpenedPorts []string
	// PublicAddress is the unit's public address; Address its pod address
	// on Kubernetes.
	PublicAddress string
	Address       string
	ProviderID    string
	// Charm is set only when the unit runs a charm different from its
	// application's (during a refresh).
	Charm string
	// Leader is true for the application's leader unit.
	Leader bool
	// Subordinates holds the subordinate units of a principal unit.
	Subordinates map[string]*Unit
}

// Number returns the unit's number (3 for "pg/3"), or -1 if the name has
// none.
func (u *Unit) Number() int {
	i := strings.LastIndexByte(u.Name, '/')
	if i < 0 {
		return -1
	}
	n, err := strconv.Atoi(u.Name[i+1:])
	if err != nil {
		return -1
	}
	return n
}

// SubordinateList returns the unit's subordinate units sorted by name.
func (u *Unit) SubordinateList() []*Unit {
	out := make([]*Unit, 0, len(u.Subordinates))
	for _, s := range u.Subordinates {
		out = append(out, s)
	}
	slices.SortFunc(out, compareUnits)
	return out
}

// Machine is the status of one machine or container.
type Machine struct {
	ID string
	// AgentStatus is the machine agent's ("pending", "started", ...);
	// InstanceStatus the provider instance's ("pending", "running",
	// "provisioning error", ...).
	AgentStatus        Info
	InstanceStatus     Info
	ModificationStatus Info
	Hostname           string
	DNSName            string
	IPAddresses        []string
	InstanceID         string
	DisplayName        string
	Base               Base
	Constraints        string
	Hardware           string
	Jobs               []string
	HasVote            bool
	WantsVote          bool
	// NetworkInterfaces is keyed by interface name.
	NetworkInterfaces map[string]NetworkInterface
	// Containers holds the machine's containers ("0/lxd/0").
	Containers map[string]*Machine
	// LXDProfiles holds the names of the LXD profiles applied.
	LXDProfiles              []string
	PrimaryControllerMachine bool
	// ClusterRole is only sent by Juju 4.
	ClusterRole string
	// Err is the error the controller reported instead of this machine's
	// status, if any.
	Err error
}

// NetworkInterface describes one network interface of a machine.
type NetworkInterface struct {
	IPAddresses    []string
	MACAddress     string
	Gateway        string
	DNSNameservers []string
	Space          string
	IsUp           bool
}

// Relation is the status of one relation.
type Relation struct {
	ID int
	// Key is Juju's relation key ("pg:db web:db").
	Key       string
	Interface string
	// Scope is "global" or "container".
	Scope     string
	Endpoints []Endpoint
	// Status is "joining", "joined", "broken", "suspended" or "error".
	Status Info
}

// Peer reports whether the relation is a peer relation.
func (r *Relation) Peer() bool {
	return len(r.Endpoints) == 1 && r.Endpoints[0].Role == "peer"
}

// Endpoint returns the relation's endpoint with the given role
// ("provider", "requirer", "peer"), if any.
func (r *Relation) Endpoint(role string) (Endpoint, bool) {
	for _, e := range r.Endpoints {
		if e.Role == role {
			return e, true
		}
	}
	return Endpoint{}, false
}

// Endpoint is one end of a relation.
type Endpoint struct {
	Application string
	Name        string
	// Role is "provider", "requirer" or "peer".
	Role        string
	Subordinate bool
}

// String renders the endpoint as "application:name".
func (e Endpoint) String() string { return e.Application + ":" + e.Name }

// RemoteEndpoint is an endpoint of an offer or remote application.
type RemoteEndpoint struct {
	Name      string
	Role      string
	Interface string
	Limit     int
}

// Offer is the status of one offer made by the model.
type Offer struct {
	Name        string
	Application string
	Charm       string
	// Endpoints is keyed by the offered endpoint's alias.
	Endpoints       map[string]RemoteEndpoint
	ActiveConnected int
	TotalConnected  int
	Err             error
}

// RemoteApplication is the status of an application consumed from
// an offer in another model (SAAS).
type RemoteApplication struct {
	Name      string
	OfferURL  string
	OfferName string
	Endpoints []RemoteEndpoint
	Life      string
	Relations map[string][]string
	Status    Info
	Err       error
}

// StorageInstance is one storage instance.
type StorageInstance struct {
	// ID is the storage id ("data/0"), Owner the owning unit or
	// application name.
	ID    string
	Owner string
	// Kind is "block", "filesystem" or "unknown".
	Kind       string
	Status     Info
	Persistent bool
	Life       string
	// Attachments is keyed by unit name.
	Attachments map[string]StorageAttachment
}

// StorageAttachment is a storage instance's attachment to a unit.
type StorageAttachment struct {
	Unit     string
	Machine  string
	Location string
	Life     string
}

// Filesystem is one filesystem.
type Filesystem struct {
	// ID is the filesystem id ("0", "0/1"); VolumeID the backing volume,
	// Storage the storage instance using it, if any.
	ID         string
	VolumeID   string
	Storage    string
	ProviderID string
	Pool       string
	SizeMiB    uint64
	Life       string
	Status     Info
	// MachineAttachments and UnitAttachments map a machine id or unit
	// name to the mount point.
	MachineAttachments map[string]string
	UnitAttachments    map[string]string
}

// Volume is one volume.
type Volume struct {
	ID         string
	Storage    string
	ProviderID string
	HardwareID string
	Pool       string
	SizeMiB    uint64
	Persistent bool
	Life       string
	Status     Info
	// MachineAttachments and UnitAttachments map a machine id or unit
	// name to the device name.
	MachineAttachments map[string]string
	UnitAttachments    map[string]string
}

// Now returns the snapshot's time by the controller's clock
// (ControllerTimestamp), or the local time it arrived if the controller
// sent none.
func (s *Status) Now() time.Time {
	if !s.ControllerTimestamp.IsZero() {
		return s.ControllerTimestamp
	}
	if !s.received.IsZero() {
		return s.received.Round(0)
	}
	return time.Time{}
}

// ApplicationNames returns the names of the snapshot's applications,
// sorted.
func (s *Status) ApplicationNames() []string {
	out := make([]string, 0, len(s.Applications))
	for name := range s.Applications {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// Unit returns the unit with the given name, subordinate units included,
// or nil.
func (s *Status) Unit(name string) *Unit {
	if s.units != nil {
		return s.units[name]
	}
	for _, a := range s.Applications {
		if u := a.Units[name]; u != nil {
			return u
		}
		for _, u := range a.Units {
			if sub := u.Subordinates[name]; sub != nil {
				return sub
			}
		}
	}
	return nil
}

// Units returns the units of an application sorted by number; for a
// subordinate application, the subordinate units found under its
// principals. It returns nil if the application is not in the snapshot.
func (s *Status) Units(app string) []*Unit {
	a := s.Applications[app]
	if a == nil {
		return nil
	}
	return a.UnitList()
}

// AllUnits returns every unit in the snapshot, subordinates included,
// sorted by application and number.
func (s *Status) AllUnits() []*Unit {
	var out []*Unit
	for _, name := range s.ApplicationNames() {
		out = append(out, s.Applications[name].UnitList()...)
	}
	return out
}

// Leader returns the leader unit of an application, or nil when the
// snapshot shows none (no leader elected yet, or the application is not in
// the snapshot).
func (s *Status) Leader(app string) *Unit {
	a := s.Applications[app]
	if a == nil {
		return nil
	}
	var leader *Unit
	for _, u := range a.Units {
		if u.Leader && (leader == nil || compareUnits(u, leader) < 0) {
			leader = u
		}
	}
	return leader
}

// Machine returns the machine or container with the given id ("0",
// "0/lxd/1"), or nil.
func (s *Status) Machine(id string) *Machine {
	if m := s.Machines[id]; m != nil {
		return m
	}
	host, _, ok := strings.Cut(id, "/")
	if !ok {
		return nil
	}
	return findContainer(s.Machines[host], id)
}

func findContainer(m *Machine, id string) *Machine {
	if m == nil {
		return nil
	}
	if c := m.Containers[id]; c != nil {
		return c
	}
	for cid, c := range m.Containers {
		if strings.HasPrefix(id, cid+"/") {
			return findContainer(c, id)
		}
	}
	return nil
}

// Address returns the address to reach a unit at: its public address, or
// else its pod address (Kubernetes), or else its machine's DNS name or
// first IP address. It returns "" when none is known yet.
func (s *Status) Address(unit string) string {
	u := s.Unit(unit)
	if u == nil {
		return ""
	}
	if u.PublicAddress != "" {
		return u.PublicAddress
	}
	if u.Address != "" {
		return u.Address
	}
	m := s.Machine(u.Machine)
	if m == nil && u.Principal != "" {
		if p := s.Unit(u.Principal); p != nil {
			m = s.Machine(p.Machine)
		}
	}
	if m == nil {
		return ""
	}
	if m.DNSName != "" {
		return m.DNSName
	}
	if len(m.IPAddresses) > 0 {
		return m.IPAddresses[0]
	}
	return ""
}

// RelationsOf returns the relations in which an application takes part.
func (s *Status) RelationsOf(app string) []*Relation {
	var out []*Relation
	for _, r := range s.Relations {
		for _, e := range r.Endpoints {
			if e.Application == app {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// compareUnits orders units by application name, then number.
func compareUnits(a, b *Unit) int {
	if b == nil {
		return -1
	}
	if c := cmp.Compare(a.Application, b.Application); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Number(), b.Number()); c != 0 {
		return c
	}
	return cmp.Compare(a.Name, b.Name)
}

// index fills the unit index, the Application and Principal of every unit
// and the Units of subordinate applications. It runs once, when a snapshot
// is built.
func (s *Status) index() {
	s.units = make(map[string]*Unit)
	for appName, a := range s.Applications {
		for name, u := range a.Units {
			u.Name = name
			if u.Application == "" {
				u.Application = appName
			}
			s.units[name] = u
		}
	}
	for _, a := range s.Applications {
		for _, u := range a.Units {
			if u.Principal != "" {
				continue // a subordinate already placed in its application
			}
			for name, sub := range u.Subordinates {
				sub.Name = name
				sub.Principal = u.Name
				sub.Application, _, _ = strings.Cut(name, "/")
				s.units[name] = sub
				subApp := s.Applications[sub.Application]
				if subApp == nil {
					continue
				}
				if subApp.Units == nil {
					subApp.Units = make(map[string]*Unit)
				}
				subApp.Units[name] = sub
			}
		}
	}
}
