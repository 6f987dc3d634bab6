package juju

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gojuju/juju/internal/facades"
)

// ParseFullStatus decodes the JSON result of a Client.FullStatus call (the
// "response" object of the reply, as Juju 4.0 and 3.6 send it) into a
// Status. It is useful with saved responses and with rpc.Conn.Call; Model.Status
// does the call for you. It returns an error for input that is not a JSON
// object of that shape.
func ParseFullStatus(data []byte) (*Status, error) {
	var fs facades.FullStatus
	if err := json.Unmarshal(data, &fs); err != nil {
		return nil, fmt.Errorf("cannot parse full status: %w", err)
	}
	return stFromWire(&fs), nil
}

// stFromWire converts a FullStatus result into a Status snapshot.
func stFromWire(fs *facades.FullStatus) *Status {
	s := &Status{
		Model: ModelStatus{
			Name:             fs.Model.Name,
			Type:             fs.Model.Type,
			Cloud:            strings.TrimPrefix(fs.Model.CloudTag, "cloud-"),
			Region:           fs.Model.Region,
			Version:          fs.Model.Version,
			AvailableVersion: fs.Model.AvailableVersion,
			Status:           stInfo(&fs.Model.ModelStatus),
		},
		ControllerTimestamp: stTime(fs.ControllerTimestamp),
	}
	if len(fs.Applications) > 0 {
		s.Applications = make(map[string]*ApplicationStatus, len(fs.Applications))
		for name := range fs.Applications {
			w := fs.Applications[name]
			s.Applications[name] = stApp(name, &w)
		}
	}
	if len(fs.Machines) > 0 {
		s.Machines = stMachines(fs.Machines)
	}
	if len(fs.Relations) > 0 {
		s.Relations = make([]*RelationStatus, len(fs.Relations))
		for i := range fs.Relations {
			w := &fs.Relations[i]
			r := &RelationStatus{
				ID:        w.ID,
				Key:       w.Key,
				Interface: w.Interface,
				Scope:     w.Scope,
				Status:    stInfo(&w.Status),
			}
			if len(w.Endpoints) > 0 {
				r.Endpoints = make([]EndpointStatus, len(w.Endpoints))
				for j, e := range w.Endpoints {
					r.Endpoints[j] = EndpointStatus{Application: e.Application, Name: e.Name, Role: e.Role, Subordinate: e.Subordinate}
				}
			}
			s.Relations[i] = r
		}
		slices.SortFunc(s.Relations, func(a, b *RelationStatus) int { return a.ID - b.ID })
	}
	if len(fs.Offers) > 0 {
		s.Offers = make(map[string]*OfferStatus, len(fs.Offers))
		for name, w := range fs.Offers {
			o := &OfferStatus{
				Name:            w.OfferName,
				Application:     w.ApplicationName,
				Charm:           w.Charm,
				ActiveConnected: w.ActiveConnectedCount,
				TotalConnected:  w.TotalConnectedCount,
				Err:             stErr(w.Err),
			}
			if o.Name == "" {
				o.Name = name
			}
			if len(w.Endpoints) > 0 {
				o.Endpoints = make(map[string]RemoteEndpointStatus, len(w.Endpoints))
				for k, e := range w.Endpoints {
					o.Endpoints[k] = stRemoteEndpoint(e)
				}
			}
			s.Offers[name] = o
		}
	}
	if len(fs.RemoteApplications) > 0 {
		s.RemoteApplications = make(map[string]*RemoteApplicationStatus, len(fs.RemoteApplications))
		for name, w := range fs.RemoteApplications {
			r := &RemoteApplicationStatus{
				Name:      name,
				OfferURL:  w.OfferURL,
				OfferName: w.OfferName,
				Life:      w.Life,
				Relations: w.Relations,
				Status:    stInfo(&w.Status),
				Err:       stErr(w.Err),
			}
			for _, e := range w.Endpoints {
				r.Endpoints = append(r.Endpoints, stRemoteEndpoint(e))
			}
			s.RemoteApplications[name] = r
		}
	}
	for i := range fs.Storage {
		s.Storage = append(s.Storage, stStorage(&fs.Storage[i]))
	}
	for i := range fs.Filesystems {
		w := &fs.Filesystems[i]
		f := &FilesystemStatus{
			ID:       stTagPath(w.FilesystemTag, "filesystem-"),
			VolumeID: stTagPath(w.VolumeTag, "volume-"),
			Pool:     w.Info.Pool,
			SizeMiB:  uint64(max(w.Info.Size, 0)),
			Life:     w.Life,
			Status:   stEntityInfo(&w.Status),
		}
		f.ProviderID = w.Info.FilesystemID
		if w.Storage != nil {
			f.Storage = stStorageID(w.Storage.StorageTag)
		}
		f.MachineAttachments = stAttachMap(w.MachineAttachments, "machine-", func(a facades.FilesystemAttachmentDetails) string { return a.MountPoint })
		f.UnitAttachments = stAttachMap(w.UnitAttachments, "unit-", func(a facades.FilesystemAttachmentDetails) string { return a.MountPoint })
		s.Filesystems = append(s.Filesystems, f)
	}
	for i := range fs.Volumes {
		w := &fs.Volumes[i]
		v := &VolumeStatus{
			ID:         stTagPath(w.VolumeTag, "volume-"),
			ProviderID: w.Info.VolumeID,
			HardwareID: w.Info.HardwareID,
			Pool:       w.Info.Pool,
			SizeMiB:    uint64(max(w.Info.Size, 0)),
			Persistent: w.Info.Persistent,
			Life:       w.Life,
			Status:     stEntityInfo(&w.Status),
		}
		if w.Storage != nil {
			v.Storage = stStorageID(w.Storage.StorageTag)
		}
		v.MachineAttachments = stAttachMap(w.MachineAttachments, "machine-", func(a facades.VolumeAttachmentDetails) string { return a.DeviceName })
		v.UnitAttachments = stAttachMap(w.UnitAttachments, "unit-", func(a facades.VolumeAttachmentDetails) string { return a.DeviceName })
		s.Volumes = append(s.Volumes, v)
	}
	s.stIndex()
	return s
}

func stApp(name string, w *facades.ApplicationStatus) *ApplicationStatus {
	a := &ApplicationStatus{
		Name:             name,
		Charm:            w.Charm,
		CharmChannel:     w.CharmChannel,
		CharmRev:         w.CharmRev,
		CharmVersion:     w.CharmVersion,
		CharmProfile:     w.CharmProfile,
		CanUpgradeTo:     w.CanUpgradeTo,
		Base:             StatusBase{Name: w.Base.Name, Channel: w.Base.Channel},
		Exposed:          w.Exposed,
		Life:             w.Life,
		Status:           stInfo(&w.Status),
		WorkloadVersion:  w.WorkloadVersion,
		Relations:        w.Relations,
		Scale:            w.Scale,
		ProviderID:       w.ProviderID,
		PublicAddress:    w.PublicAddress,
		EndpointBindings: w.EndpointBindings,
		Err:              stErr(w.Err),
	}
	if len(w.SubordinateTo) > 0 {
		a.SubordinateTo = w.SubordinateTo
	}
	var rev int
	var hasRev bool
	a.CharmName, rev, hasRev = stParseCharmURL(w.Charm)
	if a.CharmRev == 0 && hasRev {
		a.CharmRev = rev
	}
	if len(w.ExposedEndpoints) > 0 {
		a.ExposedEndpoints = make(map[string]ExposedEndpointStatus, len(w.ExposedEndpoints))
		for k, e := range w.ExposedEndpoints {
			a.ExposedEndpoints[k] = ExposedEndpointStatus{ToSpaces: e.ExposeToSpaces, ToCIDRs: e.ExposeToCidrs}
		}
	}
	if len(w.Units) > 0 {
		a.Units = make(map[string]*UnitStatus, len(w.Units))
		for uname := range w.Units {
			wu := w.Units[uname]
			a.Units[uname] = stUnit(uname, name, &wu)
		}
	}
	return a
}

func stUnit(name, app string, w *facades.UnitStatus) *UnitStatus {
	u := &UnitStatus{
		Name:            name,
		Application:     app,
		WorkloadStatus:  stInfo(&w.WorkloadStatus),
		AgentStatus:     stInfo(&w.AgentStatus),
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
		u.Subordinates = make(map[string]*UnitStatus, len(w.Subordinates))
		for sname := range w.Subordinates {
			ws := w.Subordinates[sname]
			subApp, _, _ := strings.Cut(sname, "/")
			sub := stUnit(sname, subApp, &ws)
			sub.Principal = name
			u.Subordinates[sname] = sub
		}
	}
	return u
}

func stMachines(ws map[string]facades.MachineStatus) map[string]*MachineStatus {
	out := make(map[string]*MachineStatus, len(ws))
	for id := range ws {
		w := ws[id]
		out[id] = stMachine(id, &w)
	}
	return out
}

func stMachine(id string, w *facades.MachineStatus) *MachineStatus {
	m := &MachineStatus{
		ID:                       w.ID,
		AgentStatus:              stInfo(&w.AgentStatus),
		InstanceStatus:           stInfo(&w.InstanceStatus),
		ModificationStatus:       stInfo(&w.ModificationStatus),
		Hostname:                 w.Hostname,
		DNSName:                  w.DNSName,
		IPAddresses:              w.IPAddresses,
		InstanceID:               w.InstanceID,
		DisplayName:              w.DisplayName,
		Base:                     StatusBase{Name: w.Base.Name, Channel: w.Base.Channel},
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
		m.NetworkInterfaces = make(map[string]NetworkInterfaceStatus, len(w.NetworkInterfaces))
		for k, n := range w.NetworkInterfaces {
			m.NetworkInterfaces[k] = NetworkInterfaceStatus{
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
		m.Containers = stMachines(w.Containers)
	}
	return m
}

func stStorage(w *facades.StorageDetails) *StorageInstanceStatus {
	st := &StorageInstanceStatus{
		ID:         stStorageID(w.StorageTag),
		Owner:      stOwner(w.OwnerTag),
		Kind:       stStorageKind(w.Kind),
		Status:     stEntityInfo(&w.Status),
		Persistent: w.Persistent,
		Life:       w.Life,
	}
	if len(w.Attachments) > 0 {
		st.Attachments = make(map[string]StorageAttachmentStatus, len(w.Attachments))
		for _, a := range w.Attachments {
			unit := stUnitFromTag(a.UnitTag)
			st.Attachments[unit] = StorageAttachmentStatus{
				Unit:     unit,
				Machine:  stTagPath(a.MachineTag, "machine-"),
				Location: a.Location,
				Life:     a.Life,
			}
		}
	}
	return st
}

func stRemoteEndpoint(e facades.RemoteEndpoint) RemoteEndpointStatus {
	return RemoteEndpointStatus{Name: e.Name, Role: e.Role, Interface: e.Interface, Limit: e.Limit}
}

func stStorageKind(k int) string {
	switch k {
	case 1:
		return "block"
	case 2:
		return "filesystem"
	default:
		return "unknown"
	}
}

// stInfo converts a DetailedStatus.
func stInfo(w *facades.DetailedStatus) StatusInfo {
	st := StatusInfo{
		Current: w.Status,
		Message: w.Info,
		Since:   stTime(w.Since),
		Version: w.Version,
		Life:    w.Life,
		Err:     stErr(w.Err),
	}
	if len(w.Data) > 0 {
		st.Data = w.Data
	}
	return st
}

func stEntityInfo(w *facades.EntityStatus) StatusInfo {
	st := StatusInfo{Current: w.Status, Message: w.Info, Since: stTime(w.Since)}
	if len(w.Data) > 0 {
		st.Data = w.Data
	}
	return st
}

// stTime returns the time a nullable wire time points at, or zero.
func stTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// stErr turns a possibly nil wire error (*rpc.Error) into an error
// interface that is nil when there is no error.
func stErr[T any, P interface {
	*T
	error
}](e P) error {
	if e == nil {
		return nil
	}
	return e
}

func stAttachMap[T any](in map[string]T, prefix string, f func(T) string) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for tag, a := range in {
		key := tag
		switch prefix {
		case "machine-":
			key = stTagPath(tag, "machine-")
		case "unit-":
			key = stUnitFromTag(tag)
		}
		out[key] = f(a)
	}
	return out
}

// stTagPath turns "machine-0-lxd-1" into "0/lxd/1" (and "volume-0-1" into
// "0/1"). A value without the prefix is returned as is.
func stTagPath(tag, prefix string) string {
	id, ok := strings.CutPrefix(tag, prefix)
	if !ok {
		return tag
	}
	return strings.ReplaceAll(id, "-", "/")
}

// stUnitFromTag turns "unit-pg-k8s-0" into "pg-k8s/0".
func stUnitFromTag(tag string) string {
	id, ok := strings.CutPrefix(tag, "unit-")
	if !ok {
		return tag
	}
	if i := strings.LastIndexByte(id, '-'); i >= 0 {
		return id[:i] + "/" + id[i+1:]
	}
	return id
}

// stStorageID turns "storage-data-0" into "data/0".
func stStorageID(tag string) string {
	id, ok := strings.CutPrefix(tag, "storage-")
	if !ok {
		return tag
	}
	if i := strings.LastIndexByte(id, '-'); i >= 0 {
		return id[:i] + "/" + id[i+1:]
	}
	return id
}

// stOwner turns an owner tag into a unit or application name.
func stOwner(tag string) string {
	if strings.HasPrefix(tag, "unit-") {
		return stUnitFromTag(tag)
	}
	if app, ok := strings.CutPrefix(tag, "application-"); ok {
		return app
	}
	return tag
}

// stParseCharmURL returns the name and revision in a charm URL such as
// "ch:amd64/postgresql-345", "local:rj-consumer-0" or "ch:postgresql".
func stParseCharmURL(url string) (name string, rev int, hasRev bool) {
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
