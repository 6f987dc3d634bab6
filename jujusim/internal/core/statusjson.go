package core

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gojuju/juju/internal/facades"
)

// The FullStatus reply of a 10,000-unit model is about 13 MB of JSON, and
// encoding it with encoding/json's reflection cost four times as much as
// building it. The appenders below write the same bytes as encoding/json's
// Marshal (field order, omitempty, null for nil maps and slices, sorted map
// keys, HTML-safe escaping, RFC 3339 times) for the types that make up the
// bulk of a status (applications, units, machines, relations, statuses);
// everything rarer (offers, remote applications, storage, branches, errors,
// status data) is handed to encoding/json. statusjson_test.go checks that
// every field of these types is written, against encoding/json, on values
// filled field by field and on seeded models of several shapes.

// AppendResult appends the JSON encoding of v, a result of Controller.Call,
// to b: the bytes encoding/json's Marshal gives. ok is false when v is not
// of a type with an appender (the caller encodes it itself); err is
// encoding/json's error for a value it cannot encode.
func AppendResult(b []byte, v any) (out []byte, ok bool, err error) {
	e := jsonAppender{b: b}
	switch r := v.(type) {
	case facades.FullStatus:
		e.fullStatus(&r)
	case *facades.FullStatus:
		e.fullStatus(r)
	case facades.FullStatusJuju36:
		e.fullStatus36(&r)
	case *facades.FullStatusJuju36:
		e.fullStatus36(r)
	case *statusReply:
		e.statusReply(r)
	case *cachedStatus:
		e.cachedStatus(r)
	default:
		return b, false, nil
	}
	if e.err != nil {
		return b, true, e.err
	}
	return e.b, true, nil
}

// jsonAppender appends JSON to b; the first error of a value handed to
// encoding/json is kept in err.
type jsonAppender struct {
	b    []byte
	err  error
	keys []string // scratch for sorting map keys
	// where the last FullStatus's controller-timestamp value is in b
	tsOff, tsEnd int
}

// marshal appends v as encoding/json encodes it.
func (e *jsonAppender) marshal(v any) {
	out, err := json.Marshal(v)
	if err != nil {
		if e.err == nil {
			e.err = err
		}
		e.b = append(e.b, "null"...)
		return
	}
	e.b = append(e.b, out...)
}

func (e *jsonAppender) raw(s string) { e.b = append(e.b, s...) }

// str appends s as a JSON string. ASCII without characters to escape is
// copied; anything else is escaped by encoding/json.
func (e *jsonAppender) str(s string) {
	for i := 0; i < len(s); i++ {
		if !plainASCII[s[i]] {
			e.marshal(s)
			return
		}
	}
	e.b = append(e.b, '"')
	e.b = append(e.b, s...)
	e.b = append(e.b, '"')
}

// plainASCII tells the bytes that encoding/json copies into a string as
// they are (with HTML escaping, as the real server encodes).
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

func (e *jsonAppender) int(n int) { e.b = strconv.AppendInt(e.b, int64(n), 10) }

func (e *jsonAppender) bool(v bool) { e.b = strconv.AppendBool(e.b, v) }

// time appends t as time.Time.MarshalJSON does (RFC 3339 with nanoseconds),
// or null for nil.
func (e *jsonAppender) time(t *time.Time) {
	if t == nil {
		e.raw("null")
		return
	}
	// MarshalJSON refuses years outside 0..9999 and offsets it cannot
	// write in RFC 3339; it writes the rest as AppendFormat does.
	if y := t.Year(); y >= 0 && y <= 9999 {
		if _, off := t.Zone(); off%60 == 0 && off > -24*3600 && off < 24*3600 {
			e.b = append(e.b, '"')
			e.b = t.AppendFormat(e.b, time.RFC3339Nano)
			e.b = append(e.b, '"')
			return
		}
	}
	e.marshal(t)
}

func (e *jsonAppender) strings(ss []string) {
	if ss == nil {
		e.raw("null")
		return
	}
	e.b = append(e.b, '[')
	for i, s := range ss {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.str(s)
	}
	e.b = append(e.b, ']')
}

// sortedKeys returns the keys of m in encoding/json's order, in a slice
// that the next call reuses unless the caller took it with own.
func appendSortedKeys[V any](e *jsonAppender, m map[string]V) []string {
	keys := e.keys[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.keys = keys
	return keys
}

// eachSorted calls f for each key and value of m in encoding/json's order
// (sorted by key), between braces; a nil map is null.
func eachSorted[V any](e *jsonAppender, m map[string]V, f func(V)) {
	if m == nil {
		e.raw("null")
		return
	}
	e.b = append(e.b, '{')
	switch len(m) {
	case 0:
	case 1:
		for k, v := range m {
			e.str(k)
			e.b = append(e.b, ':')
			f(v)
		}
	default:
		// f may sort a nested map: take the keys out of the scratch.
		keys := appendSortedKeys(e, m)
		e.keys = nil
		for i, k := range keys {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.str(k)
			e.b = append(e.b, ':')
			f(m[k])
		}
		e.keys = keys[:0]
	}
	e.b = append(e.b, '}')
}

func (e *jsonAppender) stringMap(m map[string]string) { eachSorted(e, m, e.str) }

func (e *jsonAppender) stringsMap(m map[string][]string) { eachSorted(e, m, e.strings) }

func (e *jsonAppender) base(b *facades.Base) {
	e.raw(`{"channel":`)
	e.str(b.Channel)
	e.raw(`,"name":`)
	e.str(b.Name)
	e.b = append(e.b, '}')
}

func (e *jsonAppender) detailedStatus(d *facades.DetailedStatus) {
	e.raw(`{"data":`)
	switch {
	case d.Data == nil:
		e.raw("null")
	case len(d.Data) == 0:
		e.raw("{}")
	default:
		e.marshal(d.Data)
	}
	if d.Err != nil {
		e.raw(`,"err":`)
		e.marshal(d.Err)
	}
	e.raw(`,"info":`)
	e.str(d.Info)
	e.raw(`,"kind":`)
	e.str(d.Kind)
	e.raw(`,"life":`)
	e.str(d.Life)
	e.raw(`,"since":`)
	e.time(d.Since)
	e.raw(`,"status":`)
	e.str(d.Status)
	e.raw(`,"version":`)
	e.str(d.Version)
	e.b = append(e.b, '}')
}

func (e *jsonAppender) unitStatus(u facades.UnitStatus) {
	e.b = append(e.b, '{')
	if u.Address != "" {
		e.raw(`"address":`)
		e.str(u.Address)
		e.b = append(e.b, ',')
	}
	e.raw(`"agent-status":`)
	e.detailedStatus(&u.AgentStatus)
	e.raw(`,"charm":`)
	e.str(u.Charm)
	if u.Leader {
		e.raw(`,"leader":true`)
	}
	e.raw(`,"machine":`)
	e.str(u.Machine)
	e.raw(`,"opened-ports":`)
	e.strings(u.OpenedPorts)
	if u.ProviderID != "" {
		e.raw(`,"provider-id":`)
		e.str(u.ProviderID)
	}
	e.raw(`,"public-address":`)
	e.str(u.PublicAddress)
	e.raw(`,"subordinates":`)
	eachSorted(e, u.Subordinates, e.unitStatus)
	e.raw(`,"workload-status":`)
	e.detailedStatus(&u.WorkloadStatus)
	e.raw(`,"workload-version":`)
	e.str(u.WorkloadVersion)
	e.b = append(e.b, '}')
}

func (e *jsonAppender) exposedEndpoint(x facades.ExposedEndpoint) {
	e.b = append(e.b, '{')
	if len(x.ExposeToCidrs) > 0 {
		e.raw(`"expose-to-cidrs":`)
		e.strings(x.ExposeToCidrs)
		if len(x.ExposeToSpaces) > 0 {
			e.b = append(e.b, ',')
		}
	}
	if len(x.ExposeToSpaces) > 0 {
		e.raw(`"expose-to-spaces":`)
		e.strings(x.ExposeToSpaces)
	}
	e.b = append(e.b, '}')
}

// appHead appends the fields of an application's status up to "life"
// (the same in both modes), after the opening brace.
func (e *jsonAppender) appHead(base *facades.Base, canUpgradeTo, charm, channel, profile string, rev int, version string,
	bindings map[string]string, appErr *facades.Error, exposed bool, eps map[string]facades.ExposedEndpoint, life string) {
	e.raw(`{"base":`)
	e.base(base)
	e.raw(`,"can-upgrade-to":`)
	e.str(canUpgradeTo)
	e.raw(`,"charm":`)
	e.str(charm)
	if channel != "" {
		e.raw(`,"charm-channel":`)
		e.str(channel)
	}
	e.raw(`,"charm-profile":`)
	e.str(profile)
	if rev != 0 {
		e.raw(`,"charm-rev":`)
		e.int(rev)
	}
	e.raw(`,"charm-version":`)
	e.str(version)
	e.raw(`,"endpoint-bindings":`)
	e.stringMap(bindings)
	if appErr != nil {
		e.raw(`,"err":`)
		e.marshal(appErr)
	}
	e.raw(`,"exposed":`)
	e.bool(exposed)
	if len(eps) > 0 {
		e.raw(`,"exposed-endpoints":`)
		eachSorted(e, eps, e.exposedEndpoint)
	}
	e.raw(`,"life":`)
	e.str(life)
}

// appTail appends the fields of an application's status from
// "provider-id" on (the same in both modes), and the closing brace.
func (e *jsonAppender) appTail(providerID, publicAddress string, relations map[string][]string, scale int,
	st *facades.DetailedStatus, subordinateTo []string, units map[string]facades.UnitStatus, workloadVersion string) {
	if providerID != "" {
		e.raw(`,"provider-id":`)
		e.str(providerID)
	}
	e.raw(`,"public-address":`)
	e.str(publicAddress)
	e.raw(`,"relations":`)
	e.stringsMap(relations)
	if scale != 0 {
		e.raw(`,"int":`)
		e.int(scale)
	}
	e.raw(`,"status":`)
	e.detailedStatus(st)
	e.raw(`,"subordinate-to":`)
	e.strings(subordinateTo)
	e.raw(`,"units":`)
	eachSorted(e, units, e.unitStatus)
	e.raw(`,"workload-version":`)
	e.str(workloadVersion)
	e.b = append(e.b, '}')
}

func (e *jsonAppender) appStatus(a facades.ApplicationStatus) {
	e.appHead(&a.Base, a.CanUpgradeTo, a.Charm, a.CharmChannel, a.CharmProfile, a.CharmRev, a.CharmVersion,
		a.EndpointBindings, a.Err, a.Exposed, a.ExposedEndpoints, a.Life)
	e.appTail(a.ProviderID, a.PublicAddress, a.Relations, a.Scale, &a.Status, a.SubordinateTo, a.Units, a.WorkloadVersion)
}

func (e *jsonAppender) appStatus36(a facades.ApplicationStatusJuju36) {
	e.appHead(&a.Base, a.CanUpgradeTo, a.Charm, a.CharmChannel, a.CharmProfile, a.CharmRev, a.CharmVersion,
		a.EndpointBindings, a.Err, a.Exposed, a.ExposedEndpoints, a.Life)
	e.raw(`,"meter-statuses":`)
	if len(a.MeterStatuses) == 0 {
		e.emptyMap(a.MeterStatuses == nil)
	} else {
		e.marshal(a.MeterStatuses)
	}
	e.appTail(a.ProviderID, a.PublicAddress, a.Relations, a.Scale, &a.Status, a.SubordinateTo, a.Units, a.WorkloadVersion)
}

// emptyMap appends an empty map: null when nil, {} otherwise.
func (e *jsonAppender) emptyMap(isNil bool) {
	if isNil {
		e.raw("null")
	} else {
		e.raw("{}")
	}
}

// marshalMap appends a map handed to encoding/json, without calling it
// for an empty one.
func marshalMap[V any](e *jsonAppender, m map[string]V) {
	if len(m) == 0 {
		e.emptyMap(m == nil)
		return
	}
	e.marshal(m)
}

func (e *jsonAppender) networkInterface(n facades.NetworkInterface) {
	e.b = append(e.b, '{')
	if len(n.DNSNameservers) > 0 {
		e.raw(`"dns-nameservers":`)
		e.strings(n.DNSNameservers)
		e.b = append(e.b, ',')
	}
	if n.Gateway != "" {
		e.raw(`"gateway":`)
		e.str(n.Gateway)
		e.b = append(e.b, ',')
	}
	e.raw(`"ip-addresses":`)
	e.strings(n.IPAddresses)
	e.raw(`,"is-up":`)
	e.bool(n.IsUp)
	e.raw(`,"mac-address":`)
	e.str(n.MACAddress)
	if n.Space != "" {
		e.raw(`,"space":`)
		e.str(n.Space)
	}
	e.b = append(e.b, '}')
}

// machineFields is what MachineStatus and MachineStatusJuju36 share, in
// field order, and the containers of either.
type machineFields struct {
	containers                    map[string]facades.MachineStatus
	containers36                  map[string]facades.MachineStatusJuju36
	is36                          bool
	agent, instance, modification facades.DetailedStatus // copies: pointers into the machine would move it to the heap
	base                          facades.Base
	clusterRole                   string // "" in 3.6, which has no such field
	constraints                   string
	dnsName, displayName          string
	hardware                      string
	hasVote                       bool
	hostname, id                  string
	ipAddresses                   []string
	instanceID                    string
	jobs                          []string
	lxdProfiles                   map[string]facades.LXDProfile
	networkInterfaces             map[string]facades.NetworkInterface
	primary, wantsVote            bool
}

func (e *jsonAppender) machine(f *machineFields) {
	e.raw(`{"agent-status":`)
	e.detailedStatus(&f.agent)
	e.raw(`,"base":`)
	e.base(&f.base)
	if f.clusterRole != "" {
		e.raw(`,"cluster-role":`)
		e.str(f.clusterRole)
	}
	e.raw(`,"constraints":`)
	e.str(f.constraints)
	e.raw(`,"containers":`)
	if f.is36 {
		eachSorted(e, f.containers36, e.machineStatus36)
	} else {
		eachSorted(e, f.containers, e.machineStatus)
	}
	e.raw(`,"dns-name":`)
	e.str(f.dnsName)
	e.raw(`,"display-name":`)
	e.str(f.displayName)
	e.raw(`,"hardware":`)
	e.str(f.hardware)
	e.raw(`,"has-vote":`)
	e.bool(f.hasVote)
	if f.hostname != "" {
		e.raw(`,"hostname":`)
		e.str(f.hostname)
	}
	e.raw(`,"id":`)
	e.str(f.id)
	if len(f.ipAddresses) > 0 {
		e.raw(`,"ip-addresses":`)
		e.strings(f.ipAddresses)
	}
	e.raw(`,"instance-id":`)
	e.str(f.instanceID)
	e.raw(`,"instance-status":`)
	e.detailedStatus(&f.instance)
	e.raw(`,"jobs":`)
	e.strings(f.jobs)
	if len(f.lxdProfiles) > 0 {
		e.raw(`,"lxd-profiles":`)
		e.marshal(f.lxdProfiles)
	}
	e.raw(`,"modification-status":`)
	e.detailedStatus(&f.modification)
	if len(f.networkInterfaces) > 0 {
		e.raw(`,"network-interfaces":`)
		eachSorted(e, f.networkInterfaces, e.networkInterface)
	}
	if f.primary {
		e.raw(`,"primary-controller-machine":true`)
	}
	e.raw(`,"wants-vote":`)
	e.bool(f.wantsVote)
	e.b = append(e.b, '}')
}

func (e *jsonAppender) machineStatus(m facades.MachineStatus) {
	e.machine(&machineFields{
		agent: m.AgentStatus, instance: m.InstanceStatus, modification: m.ModificationStatus, base: m.Base,
		clusterRole: m.ClusterRole, constraints: m.Constraints, dnsName: m.DNSName, displayName: m.DisplayName,
		hardware: m.Hardware, hasVote: m.HasVote, hostname: m.Hostname, id: m.ID, ipAddresses: m.IPAddresses,
		instanceID: m.InstanceID, jobs: m.Jobs, lxdProfiles: m.LXDProfiles, networkInterfaces: m.NetworkInterfaces,
		primary: m.PrimaryControllerMachine, wantsVote: m.WantsVote, containers: m.Containers,
	})
}

func (e *jsonAppender) machineStatus36(m facades.MachineStatusJuju36) {
	e.machine(&machineFields{
		agent: m.AgentStatus, instance: m.InstanceStatus, modification: m.ModificationStatus, base: m.Base,
		constraints: m.Constraints, dnsName: m.DNSName, displayName: m.DisplayName,
		hardware: m.Hardware, hasVote: m.HasVote, hostname: m.Hostname, id: m.ID, ipAddresses: m.IPAddresses,
		instanceID: m.InstanceID, jobs: m.Jobs, lxdProfiles: m.LXDProfiles, networkInterfaces: m.NetworkInterfaces,
		primary: m.PrimaryControllerMachine, wantsVote: m.WantsVote, containers36: m.Containers, is36: true,
	})
}

func (e *jsonAppender) relations(rs []facades.RelationStatus) {
	if rs == nil {
		e.raw("null")
		return
	}
	e.b = append(e.b, '[')
	for i := range rs {
		r := &rs[i]
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.raw(`{"endpoints":`)
		if r.Endpoints == nil {
			e.raw("null")
		} else {
			e.b = append(e.b, '[')
			for j, ep := range r.Endpoints {
				if j > 0 {
					e.b = append(e.b, ',')
				}
				e.raw(`{"application":`)
				e.str(ep.Application)
				e.raw(`,"name":`)
				e.str(ep.Name)
				e.raw(`,"role":`)
				e.str(ep.Role)
				e.raw(`,"subordinate":`)
				e.bool(ep.Subordinate)
				e.b = append(e.b, '}')
			}
			e.b = append(e.b, ']')
		}
		e.raw(`,"id":`)
		e.int(r.ID)
		e.raw(`,"interface":`)
		e.str(r.Interface)
		e.raw(`,"key":`)
		e.str(r.Key)
		e.raw(`,"scope":`)
		e.str(r.Scope)
		e.raw(`,"status":`)
		e.detailedStatus(&r.Status)
		e.b = append(e.b, '}')
	}
	e.b = append(e.b, ']')
}

// statusTail appends the fields of FullStatus from "offers" on (the same
// in both modes) and the closing brace.
func (e *jsonAppender) statusTail(offers map[string]facades.ApplicationOfferStatus, rels []facades.RelationStatus,
	remote map[string]facades.RemoteApplicationStatus, storage []facades.StorageDetails, volumes []facades.VolumeDetails) {
	e.raw(`,"offers":`)
	marshalMap(e, offers)
	e.raw(`,"relations":`)
	e.relations(rels)
	e.raw(`,"remote-applications":`)
	marshalMap(e, remote)
	if len(storage) > 0 {
		e.raw(`,"storage":`)
		e.marshal(storage)
	}
	if len(volumes) > 0 {
		e.raw(`,"volumes":`)
		e.marshal(volumes)
	}
	e.b = append(e.b, '}')
}

// statusHead appends the fields of FullStatus up to "filesystems".
func (e *jsonAppender) statusHead(apps func(), branches map[string]facades.BranchStatus, ts *time.Time, fss []facades.FilesystemDetails) {
	e.raw(`{"applications":`)
	apps()
	e.raw(`,"branches":`)
	marshalMap(e, branches)
	e.raw(`,"controller-timestamp":`)
	e.tsOff = len(e.b)
	e.time(ts)
	e.tsEnd = len(e.b)
	if len(fss) > 0 {
		e.raw(`,"filesystems":`)
		e.marshal(fss)
	}
}

func (e *jsonAppender) fullStatus(fs *facades.FullStatus) {
	e.statusHead(func() { eachSorted(e, fs.Applications, e.appStatus) }, fs.Branches, fs.ControllerTimestamp, fs.Filesystems)
	e.raw(`,"machines":`)
	eachSorted(e, fs.Machines, e.machineStatus)
	m := &fs.Model
	e.raw(`,"model":{"available-version":`)
	e.str(m.AvailableVersion)
	e.raw(`,"cloud-tag":`)
	e.str(m.CloudTag)
	e.raw(`,"model-status":`)
	e.detailedStatus(&m.ModelStatus)
	e.raw(`,"name":`)
	e.str(m.Name)
	if m.Region != "" {
		e.raw(`,"region":`)
		e.str(m.Region)
	}
	e.raw(`,"type":`)
	e.str(m.Type)
	e.raw(`,"version":`)
	e.str(m.Version)
	e.b = append(e.b, '}')
	e.statusTail(fs.Offers, fs.Relations, fs.RemoteApplications, fs.Storage, fs.Volumes)
}

func (e *jsonAppender) fullStatus36(fs *facades.FullStatusJuju36) {
	e.statusHead(func() { eachSorted(e, fs.Applications, e.appStatus36) }, fs.Branches, fs.ControllerTimestamp, fs.Filesystems)
	e.raw(`,"machines":`)
	eachSorted(e, fs.Machines, e.machineStatus36)
	m := &fs.Model
	e.raw(`,"model":{"available-version":`)
	e.str(m.AvailableVersion)
	e.raw(`,"cloud-tag":`)
	e.str(m.CloudTag)
	e.raw(`,"meter-status":`)
	e.marshal(m.MeterStatus)
	e.raw(`,"model-status":`)
	e.detailedStatus(&m.ModelStatus)
	e.raw(`,"name":`)
	e.str(m.Name)
	if m.Region != "" {
		e.raw(`,"region":`)
		e.str(m.Region)
	}
	e.raw(`,"sla":`)
	e.str(m.SLA)
	e.raw(`,"type":`)
	e.str(m.Type)
	e.raw(`,"version":`)
	e.str(m.Version)
	e.b = append(e.b, '}')
	e.statusTail(fs.Offers, fs.Relations, fs.RemoteApplications, fs.Storage, fs.Volumes)
}
