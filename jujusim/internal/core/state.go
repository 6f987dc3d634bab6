package core

import (
	"github.com/gojuju/juju/internal/facades"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Life values.
const (
	lifeAlive = "alive"
	lifeDying = "dying"
	lifeDead  = "dead"
)

// status is one status value with its timestamp.
type status struct {
	Status  string
	Message string
	Data    map[string]any
	Since   time.Time
}

type base struct {
	Name    string
	Channel string // track[/risk] as given
}

func (b base) track() string {
	t, _, _ := strings.Cut(b.Channel, "/")
	return t
}

func (b base) String() string {
	if b.Name == "" {
		return ""
	}
	return b.Name + "@" + b.track()
}

// withRisk returns the base with a "/stable" risk added when none is set.
func (b base) withRisk() base {
	if b.Channel != "" && !strings.Contains(b.Channel, "/") {
		b.Channel += "/stable"
	}
	return b
}

func (b base) noRisk() base {
	b.Channel = b.track()
	return b
}

var defaultBase = base{Name: "ubuntu", Channel: "24.04"}

type user struct {
	name             string
	displayName      string
	password         string
	controllerAccess string // "login" or "superuser"
	created          time.Time
	createdBy        string
	disabled         bool
	lastLogin        time.Time
}

type model struct {
	seq          int
	uuid         string
	name         string
	qualifier    string // the owner's user name
	typ          string // "iaas" or "caas"
	cloud        string
	region       string
	credential   string // cloud credential name; "" after a forced revoke
	credOwner    string // the credential's owner; "" is the qualifier
	providerType string
	isController bool
	life         string
	status       status
	created      time.Time
	destroyOpts  destroyModelOpts
	destroyEv    *event

	access   map[string]string    // user -> read|write|admin
	lastConn map[string]time.Time // user -> last login

	config      map[string]any // values set by the user
	constraints facades.Value

	apps       map[string]*application
	machines   map[string]*machine // all machines and containers by id
	machineSeq int
	relations  map[int]*relation
	relSeq     int
	charms     map[string]*charm // by URL
	unitCount  int

	secrets     map[string]*secret // by id
	secretOrder []string

	offers     map[string]*offer     // by offer name; see h_offers.go
	remoteApps map[string]*remoteApp // consumed (SAAS) applications by name; see h_saas.go

	actionSeq  int // shared by actions and operations
	actions    map[int]*action
	operations map[int]*operation

	history     map[string][]status // "kind:tag" -> newest last
	annotations map[string]map[string]string
	// netSpaces, when not nil, makes the model's provider one with
	// network spaces (Server.EnableSpaces): space name to the CIDRs of
	// its subnets; subnetIDs are the subnets' ids by CIDR.
	netSpaces map[string][]string
	spaceIDs  map[string]string
	subnetIDs map[string]string
	logs      *logBuffer
	resources *modelResources
	storage   *modelStorage // nil until first used; see stor()

	changed chan struct{} // closed and replaced on every change
	version uint64

	statusCache *statusCache // the last FullStatus reply; see statuscache.go
	stateGen    *uint64      // the controller's state generation, moved by notify
}

type destroyModelOpts struct {
	force          bool
	destroyStorage *bool
	maxWait        *time.Duration
	timeout        *time.Duration
}

type application struct {
	m          *model
	name       string
	charm      *charm
	charmURL   string
	origin     facades.CharmOrigin
	base       base
	channel    string
	life       string
	created    time.Time
	exposed    bool
	exposedEPs map[string]exposedEndpoint
	config     map[string]any // user-set charm config, typed
	trust      bool
	cons       facades.Value
	bindings   map[string]string
	appStatus  *status // charm-set status; nil = derived from units
	units      map[string]*unit
	unitSeq    int
	leader     string
	behaviour  Behaviour
	scale      int // caas desired scale
	minUnits   int
	removeEv   *event
	// storage is the application's storage directives, by storage name,
	// for the instances each new unit gets; attachNext is existing
	// storage the next new unit takes instead (deploy/add-unit
	// --attach-storage).
	storage    map[string]storageDirective
	attachNext []*storageInstance
}

type exposedEndpoint struct {
	Spaces []string
	CIDRs  []string
}

type unit struct {
	app     *application
	name    string
	num     int
	machine *machine
	life    string
	created time.Time

	agent    status // allocating|executing|idle|error|failed|lost
	workload status

	leader          bool
	ready           bool // the agent is up (hooks may run)
	installed       bool
	started         bool
	settled         bool
	hookQueue       []string
	hookEv          *event
	currentHook     string
	errHook         string // hook that failed, "" if none
	resolvedFail    bool   // FailHook already failed once and was resolved
	workloadVersion string
	address         string
	openedPorts     []string
	joined          map[int]bool // relation id -> unit ran joined/changed
	joinPending     map[int]bool // relation id -> joined/changed queued, not yet run
	tickEv          *event       // the next update-status or flap
	maintEv         *event       // the end of MaintenanceFor
	flapState       bool
	removeEv        *event
	destroyStorage  bool             // its storage goes with it (remove-unit --destroy-storage)
	principal       *unit            // for subordinate units
	subs            map[string]*unit // subordinate units of a principal
}

type machine struct {
	m           *model
	id          string
	base        base
	life        string
	agent       status
	instance    status
	instanceID  string
	hostname    string
	address     string
	constraints string
	hardware    string
	parent      *machine
	containers  map[string]*machine
	contSeq     int
	units       map[string]*unit
	forUnit     bool // created automatically for a unit
	jobs        []string
	displayName string
	removeEv    *event
	provEv      *event
	mac         string // derived from the first address
	gateway     string
	nics        map[string]facades.NetworkInterface // status's, for address (see networkInterfaces)
	created     time.Time                           // when it was added: its modification status's since (3.6)
}

type relEndpoint struct {
	app string
	rel charmRelation
}

type relation struct {
	id        int
	key       string
	iface     string
	scope     string
	endpoints []relEndpoint
	life      string
	status    status
	created   time.Time
	removeEv  *event
	// mirror is the relation's other half in the other model of a
	// cross-model relation on this controller (the offering side's for a
	// relation with a SAAS, and back); nil otherwise. See h_saas.go.
	mirror *relation
	// settled holds, per application, the units in the relation's scope
	// with no joined/changed hooks queued for it: the units that run them
	// when a newcomer comes up.
	settled map[string]map[*unit]bool
}

// setSettled records whether u is in r's scope with nothing queued for it.
func (r *relation) setSettled(u *unit, settled bool) {
	if !settled {
		delete(r.settled[u.app.name], u)
		return
	}
	if r.settled == nil {
		r.settled = map[string]map[*unit]bool{}
	}
	if r.settled[u.app.name] == nil {
		r.settled[u.app.name] = map[*unit]bool{}
	}
	r.settled[u.app.name][u] = true
}

func (r *relation) involves(app string) bool {
	for _, e := range r.endpoints {
		if e.app == app {
			return true
		}
	}
	return false
}

// endpointFor returns the relation's endpoint on app's side.
func (r *relation) endpointFor(app string) (relEndpoint, bool) {
	for _, e := range r.endpoints {
		if e.app == app {
			return e, true
		}
	}
	return relEndpoint{}, false
}

// otherApps returns the applications at the other end of the relation.
func (r *relation) otherApps(app string) []string {
	var out []string
	for _, e := range r.endpoints {
		if e.app != app {
			out = append(out, e.app)
		}
	}
	if len(out) == 0 { // peer
		out = append(out, app)
	}
	return out
}

func (r *relation) isPeer() bool { return len(r.endpoints) == 1 }

// relationKey builds the key Juju uses: endpoints sorted, requirer first
// (and peers alone), "app:ep app:ep".
func relationKey(eps []relEndpoint) string {
	parts := make([]string, len(eps))
	s := append([]relEndpoint(nil), eps...)
	sort.SliceStable(s, func(i, j int) bool {
		ri, rj := roleOrder(s[i].rel.Role), roleOrder(s[j].rel.Role)
		if ri != rj {
			return ri < rj
		}
		return s[i].app < s[j].app
	})
	for i, e := range s {
		parts[i] = e.app + ":" + e.rel.Name
	}
	return strings.Join(parts, " ")
}

func roleOrder(role string) int {
	switch role {
	case "requirer":
		return 0
	case "provider":
		return 1
	}
	return 2
}

// notify wakes watchers of the model.
func (m *model) notify() {
	m.version++
	if m.stateGen != nil {
		*m.stateGen++
	}
	close(m.changed)
	m.changed = make(chan struct{})
}

// sortedApps returns application names in order.
func (m *model) sortedApps() []string {
	names := make([]string, 0, len(m.apps))
	for n := range m.apps {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (a *application) sortedUnits() []*unit {
	us := make([]*unit, 0, len(a.units))
	for _, u := range a.units {
		us = append(us, u)
	}
	sort.Slice(us, func(i, j int) bool { return us[i].num < us[j].num })
	return us
}

// sortedMachines returns the top-level machines in numeric order.
func (m *model) sortedMachines() []*machine {
	type keyed struct {
		n  int
		mc *machine
	}
	ks := make([]keyed, 0, len(m.machines))
	for _, x := range m.machines {
		if x.parent == nil {
			n, _ := strconv.Atoi(x.id)
			ks = append(ks, keyed{n, x})
		}
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i].n < ks[j].n })
	ms := make([]*machine, len(ks))
	for i, k := range ks {
		ms[i] = k.mc
	}
	return ms
}

func (m *model) sortedRelations() []*relation {
	rs := make([]*relation, 0, len(m.relations))
	for _, r := range m.relations {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].id < rs[j].id })
	return rs
}

// Tags.
func unitTag(name string) string {
	return "unit-" + strings.ReplaceAll(name, "/", "-")
}

func machineTag(id string) string {
	return "machine-" + strings.ReplaceAll(id, "/", "-")
}

// parseTag splits "kind-rest" for the simple kinds used by clients.
func parseTag(tag, kind string) (string, bool) {
	p := kind + "-"
	if !strings.HasPrefix(tag, p) || len(tag) == len(p) {
		return "", false
	}
	return tag[len(p):], true
}

// unitNameFromTag converts unit-pg-0 to pg/0.
func unitNameFromTag(tag string) (string, bool) {
	rest, ok := parseTag(tag, "unit")
	if !ok {
		return "", false
	}
	i := strings.LastIndex(rest, "-")
	if i <= 0 {
		return "", false
	}
	if _, err := strconv.Atoi(rest[i+1:]); err != nil {
		return "", false
	}
	return rest[:i] + "/" + rest[i+1:], true
}

// machineIDFromTag converts machine-0-lxd-1 to 0/lxd/1.
func machineIDFromTag(tag string) (string, bool) {
	rest, ok := parseTag(tag, "machine")
	if !ok {
		return "", false
	}
	return strings.ReplaceAll(rest, "-", "/"), true
}
