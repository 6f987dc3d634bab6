package status

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// ParseFullStatus decodes the JSON result of a Client.FullStatus call (the
// "response" object of the reply, as Juju 4.0 and 3.6 send it) into a
// Status. It is useful with saved responses and with rpc.Conn.Call; Model.Status
// does the call for you. It returns an error for input that is not a JSON
// object of that shape.
func ParseFullStatus(data []byte) (*Status, error) {
	if !validFullStatus(data) {
		// encoding/json says what is wrong, in its words.
		var fs apiclient.FullStatus
		err := json.Unmarshal(data, &fs)
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return nil, fmt.Errorf("cannot parse full status: %w", err)
	}
	s, err := decodeFullStatus(data)
	if err != nil {
		return nil, fmt.Errorf("cannot parse full status: %w", err)
	}
	return s, nil
}

// fromWire converts a FullStatus result into a Status snapshot.
func fromWire(fs *apiclient.FullStatus) *Status {
	var apps map[string]*Application
	if len(fs.Applications) > 0 {
		apps = make(map[string]*Application, len(fs.Applications))
		for name := range fs.Applications {
			w := fs.Applications[name]
			apps[name] = appFromWire(name, &w)
		}
	}
	var machines map[string]*Machine
	if len(fs.Machines) > 0 {
		machines = machinesFromWire(fs.Machines)
	}
	return fromWireParts(fs, apps, machines)
}

// fromWireParts converts a FullStatus result whose applications and
// machines were converted already into a Status snapshot.
func fromWireParts(fs *apiclient.FullStatus, apps map[string]*Application, machines map[string]*Machine) *Status {
	s := &Status{
		Model: Model{
			Name:             fs.Model.Name,
			Type:             fs.Model.Type,
			Cloud:            strings.TrimPrefix(fs.Model.CloudTag, "cloud-"),
			Region:           fs.Model.Region,
			Version:          fs.Model.Version,
			AvailableVersion: fs.Model.AvailableVersion,
			Status:           infoFromWire(&fs.Model.ModelStatus),
			SLA:              fs.Model.SLA,
		},
		ControllerTimestamp: wireTime(fs.ControllerTimestamp),
	}
	if len(apps) > 0 {
		s.Applications = apps
	}
	if len(machines) > 0 {
		s.Machines = machines
	}
	if len(fs.Relations) > 0 {
		s.Relations = make([]*Relation, len(fs.Relations))
		for i := range fs.Relations {
			w := &fs.Relations[i]
			r := &Relation{
				ID:        w.ID,
				Key:       w.Key,
				Interface: w.Interface,
				Scope:     w.Scope,
				Status:    infoFromWire(&w.Status),
			}
			if len(w.Endpoints) > 0 {
				r.Endpoints = make([]Endpoint, len(w.Endpoints))
				for j, e := range w.Endpoints {
					r.Endpoints[j] = Endpoint{Application: e.Application, Name: e.Name, Role: e.Role, Subordinate: e.Subordinate}
				}
			}
			s.Relations[i] = r
		}
		slices.SortFunc(s.Relations, func(a, b *Relation) int { return a.ID - b.ID })
	}
	if len(fs.Offers) > 0 {
		s.Offers = make(map[string]*Offer, len(fs.Offers))
		for name, w := range fs.Offers {
			o := &Offer{
				Name:            w.OfferName,
				Application:     w.ApplicationName,
				Charm:           w.Charm,
				ActiveConnected: w.ActiveConnectedCount,
				TotalConnected:  w.TotalConnectedCount,
				Err:             wireErr(w.Err),
			}
			if o.Name == "" {
				o.Name = name
			}
			if len(w.Endpoints) > 0 {
				o.Endpoints = make(map[string]RemoteEndpoint, len(w.Endpoints))
				for k, e := range w.Endpoints {
					o.Endpoints[k] = remoteEndpointFromWire(e)
				}
			}
			s.Offers[name] = o
		}
	}
	if len(fs.RemoteApplications) > 0 {
		s.RemoteApplications = make(map[string]*RemoteApplication, len(fs.RemoteApplications))
		for name, w := range fs.RemoteApplications {
			r := &RemoteApplication{
				Name:      name,
				OfferURL:  w.OfferURL,
				OfferName: w.OfferName,
				Life:      w.Life,
				Relations: w.Relations,
				Status:    infoFromWire(&w.Status),
				Err:       wireErr(w.Err),
			}
			for _, e := range w.Endpoints {
				r.Endpoints = append(r.Endpoints, remoteEndpointFromWire(e))
			}
			s.RemoteApplications[name] = r
		}
	}
	for i := range fs.Storage {
		s.Storage = append(s.Storage, storageFromWire(&fs.Storage[i]))
	}
	for i := range fs.Filesystems {
		w := &fs.Filesystems[i]
		f := &Filesystem{
			ID:       tagPath(w.FilesystemTag, "filesystem-"),
			VolumeID: tagPath(w.VolumeTag, "volume-"),
			Pool:     w.Info.Pool,
			SizeMiB:  uint64(max(w.Info.Size, 0)),
			Life:     w.Life,
			Status:   entityInfoFromWire(&w.Status),
		}
		f.ProviderID = w.Info.FilesystemID
		if w.Storage != nil {
			f.Storage = storageID(w.Storage.StorageTag)
		}
		f.MachineAttachments = attachMap(w.MachineAttachments, "machine-", func(a facades.FilesystemAttachmentDetails) string { return a.MountPoint })
		f.UnitAttachments = attachMap(w.UnitAttachments, "unit-", func(a facades.FilesystemAttachmentDetails) string { return a.MountPoint })
		s.Filesystems = append(s.Filesystems, f)
	}
	for i := range fs.Volumes {
		w := &fs.Volumes[i]
		v := &Volume{
			ID:         tagPath(w.VolumeTag, "volume-"),
			ProviderID: w.Info.VolumeID,
			HardwareID: w.Info.HardwareID,
			Pool:       w.Info.Pool,
			SizeMiB:    uint64(max(w.Info.Size, 0)),
			Persistent: w.Info.Persistent,
			Life:       w.Life,
			Status:     entityInfoFromWire(&w.Status),
		}
		if w.Storage != nil {
			v.Storage = storageID(w.Storage.StorageTag)
		}
		v.MachineAttachments = attachMap(w.MachineAttachments, "machine-", func(a facades.VolumeAttachmentDetails) string { return a.DeviceName })
		v.UnitAttachments = attachMap(w.UnitAttachments, "unit-", func(a facades.VolumeAttachmentDetails) string { return a.DeviceName })
		s.Volumes = append(s.Volumes, v)
	}
	s.index()
	return s
}

func appFromWire(name string, w *apiclient.ApplicationStatus) *Application {
	a := &Application{
		Name:             name,
		Charm:            w.Charm,
		CharmChannel:     w.CharmChannel,
		CharmRev:         w.CharmRev,
		CharmVersion:     w.CharmVersion,
		CharmProfile:     w.CharmProfile,
		CanUpgradeTo:     w.CanUpgradeTo,
		Base:             Base{Name: w.Base.Name, Channel: w.Base.Channel},
		Exposed:          w.Exposed,
		Life:             w.Life,
		Status:           infoFromWire(&w.Status),
		WorkloadVersion:  w.WorkloadVersion,
		Relations:        w.Relations,
		Scale:            w.Scale,
		ProviderID:       w.ProviderID,
		PublicAddress:    w.PublicAddress,
		EndpointBindings: w.EndpointBindings,
		Err:              wireErr(w.Err),
	}
	if len(w.SubordinateTo) > 0 {
		a.SubordinateTo = w.SubordinateTo
	}
	var rev int
	var hasRev bool
	a.CharmName, rev, hasRev = parseCharmURL(w.Charm)
	if a.CharmRev == 0 && hasRev {
		a.CharmRev = rev
	}
	if len(w.ExposedEndpoints) > 0 {
		a.ExposedEndpoints = make(map[string]ExposedEndpoint, len(w.ExposedEndpoints))
		for k, e := range w.ExposedEndpoints {
			a.ExposedEndpoints[k] = ExposedEndpoint{ToSpaces: e.ExposeToSpaces, ToCIDRs: e.ExposeToCidrs}
		}
	}
	if len(w.Units) > 0 {
		a.Units = make(map[string]*Unit, len(w.Units))
		for uname := range w.Units {
			wu := w.Units[uname]
			a.Units[uname] = unitFromWire(uname, name, &wu)
		}
	}
	return a
}

func unitFromWire(name, app string, w *facades.UnitStatus) *Unit {
	u := &Unit{
		Name:            name,
		Application:     app,
		WorkloadStatus:  infoFromWire(&w.WorkloadStatus),
		AgentStatus:     infoFromWire(&w.AgentStatus),
		WorkloadVersion: w.WorkloadVersion,
		Machine:         w.Machine,
		OpenedPorts:     w.OpenedPorts,
		PublicAddress:   w.PublicAddress,
		Address:         w.Address,
		ProviderID:      w.ProviderID,
		Charm:           w.Charm,
		Leader:          w.Leader,
	}
	if len(w.Subordinates) > 0 {
		u.Subordinates = make(map[string]*Unit, len(w.Subordinates))
		for sname := range w.Subordinates {
			ws := w.Subordinates[sname]
			subApp, _, _ := strings.Cut(sname, "/")
			sub := unitFromWire(sname, subApp, &ws)
			sub.Principal = name
			u.Subordinates[sname] = sub
		}
	}
	return u
}

func machinesFromWire(ws map[string]apiclient.MachineStatus) map[string]*Machine {
	out := make(map[string]*Machine, len(ws))
	for id := range ws {
		w := ws[id]
		out[id] = machineFromWire(id, &w)
	}
	return out
}

func machineFromWire(id string, w *apiclient.MachineStatus) *Machine {
	m := &Machine{
		ID:                       w.ID,
		AgentStatus:              infoFromWire(&w.AgentStatus),
		InstanceStatus:           infoFromWire(&w.InstanceStatus),
		ModificationStatus:       infoFromWire(&w.ModificationStatus),
		Hostname:                 w.Hostname,
		DNSName:                  w.DNSName,
		IPAddresses:              w.IPAddresses,
		InstanceID:               w.InstanceID,
		DisplayName:              w.DisplayName,
		Base:                     Base{Name: w.Base.Name, Channel: w.Base.Channel},
		Constraints:              w.Constraints,
		Hardware:                 w.Hardware,
		Jobs:                     w.Jobs,
		HasVote:                  w.HasVote,
		WantsVote:                w.WantsVote,
		PrimaryControllerMachine: w.PrimaryControllerMachine,
		ClusterRole:              w.ClusterRole,
	}
	if m.ID == "" {
		m.ID = id
	}
	if len(w.NetworkInterfaces) > 0 {
		m.NetworkInterfaces = make(map[string]NetworkInterface, len(w.NetworkInterfaces))
		for k, n := range w.NetworkInterfaces {
			m.NetworkInterfaces[k] = NetworkInterface{
				IPAddresses:    n.IPAddresses,
				MACAddress:     n.MACAddress,
				Gateway:        n.Gateway,
				DNSNameservers: n.DNSNameservers,
				Space:          n.Space,
				IsUp:           n.IsUp,
			}
		}
	}
	for name := range w.LXDProfiles {
		m.LXDProfiles = append(m.LXDProfiles, name)
	}
	slices.Sort(m.LXDProfiles)
	if len(w.Containers) > 0 {
		m.Containers = machinesFromWire(w.Containers)
	}
	return m
}

func storageFromWire(w *facades.StorageDetails) *StorageInstance {
	st := &StorageInstance{
		ID:         storageID(w.StorageTag),
		Owner:      ownerName(w.OwnerTag),
		Kind:       storageKind(w.Kind),
		Status:     entityInfoFromWire(&w.Status),
		Persistent: w.Persistent,
		Life:       w.Life,
	}
	if len(w.Attachments) > 0 {
		st.Attachments = make(map[string]StorageAttachment, len(w.Attachments))
		for _, a := range w.Attachments {
			unit := unitFromTag(a.UnitTag)
			st.Attachments[unit] = StorageAttachment{
				Unit:     unit,
				Machine:  tagPath(a.MachineTag, "machine-"),
				Location: a.Location,
				Life:     a.Life,
			}
		}
	}
	return st
}

func remoteEndpointFromWire(e facades.RemoteEndpoint) RemoteEndpoint {
	return RemoteEndpoint{Name: e.Name, Role: e.Role, Interface: e.Interface, Limit: e.Limit}
}

func storageKind(k int) string {
	switch k {
	case 1:
		return "block"
	case 2:
		return "filesystem"
	default:
		return "unknown"
	}
}

// infoFromWire converts a DetailedStatus.
func infoFromWire(w *facades.DetailedStatus) Info {
	st := Info{
		Current: w.Status,
		Message: w.Info,
		Since:   wireTime(w.Since),
		Version: w.Version,
		Life:    w.Life,
		Err:     wireErr(w.Err),
	}
	if len(w.Data) > 0 {
		st.Data = w.Data
	}
	return st
}

func entityInfoFromWire(w *facades.EntityStatus) Info {
	st := Info{Current: w.Status, Message: w.Info, Since: wireTime(w.Since)}
	if len(w.Data) > 0 {
		st.Data = w.Data
	}
	return st
}

// wireTime returns the time a nullable wire time points at, or zero.
func wireTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// wireErr turns a possibly nil wire error into the *rpc.Error the library
// returns, as an error interface that is nil when there is no error.
func wireErr(e *facades.Error) error {
	if e == nil {
		return nil
	}
	return apiclient.ServerError(e)
}

func attachMap[T any](in map[string]T, prefix string, f func(T) string) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for tag, a := range in {
		key := tag
		switch prefix {
		case "machine-":
			key = tagPath(tag, "machine-")
		case "unit-":
			key = unitFromTag(tag)
		}
		out[key] = f(a)
	}
	return out
}

// tagPath turns "machine-0-lxd-1" into "0/lxd/1" (and "volume-0-1" into
// "0/1"). A value without the prefix is returned as is.
func tagPath(tag, prefix string) string {
	id, ok := strings.CutPrefix(tag, prefix)
	if !ok {
		return tag
	}
	return strings.ReplaceAll(id, "-", "/")
}

// unitFromTag turns "unit-pg-k8s-0" into "pg-k8s/0".
func unitFromTag(tag string) string {
	id, ok := strings.CutPrefix(tag, "unit-")
	if !ok {
		return tag
	}
	if i := strings.LastIndexByte(id, '-'); i >= 0 {
		return id[:i] + "/" + id[i+1:]
	}
	return id
}

// storageID turns "storage-data-0" into "data/0".
func storageID(tag string) string {
	id, ok := strings.CutPrefix(tag, "storage-")
	if !ok {
		return tag
	}
	if i := strings.LastIndexByte(id, '-'); i >= 0 {
		return id[:i] + "/" + id[i+1:]
	}
	return id
}

// ownerName turns an owner tag into a unit or application name.
func ownerName(tag string) string {
	if strings.HasPrefix(tag, "unit-") {
		return unitFromTag(tag)
	}
	if app, ok := strings.CutPrefix(tag, "application-"); ok {
		return app
	}
	return tag
}

// parseCharmURL returns the name and revision in a charm URL such as
// "ch:amd64/postgresql-345", "local:rj-consumer-0" or "ch:postgresql".
func parseCharmURL(url string) (name string, rev int, hasRev bool) {
	if _, rest, ok := strings.Cut(url, ":"); ok {
		url = rest
	}
	if i := strings.LastIndexByte(url, '/'); i >= 0 {
		url = url[i+1:]
	}
	name = url
	if i := strings.LastIndexByte(url, '-'); i >= 0 {
		if n, err := strconv.Atoi(url[i+1:]); err == nil && n >= 0 {
			return url[:i], n, true
		}
	}
	return name, 0, false
}
