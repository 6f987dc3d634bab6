package status

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// This file decodes a Client.FullStatus reply straight into a Status, the
// hot path of every status snapshot and wait poll. The reply is valid JSON
// already (the rpc connection checks it as it streams it to the decoder,
// rpc.StreamResultDecoder, or checked the whole frame; ParseFullStatus
// checks arbitrary input with encoding/json's validator), so a scanner that does not check syntax again (scan.go)
// reads it as a stream of values, as it arrives from the connection, and the
// applications, units and machines are built as it goes: the reply is never
// held whole, no intermediate wire FullStatus and maps, a recently seen time
// parsed once, short repeated strings (status values, charm URLs, bases)
// interned, units, machines and lists allocated in chunks. It means to give
// exactly what encoding/json into apiclient.FullStatus followed by fromWire
// gives, for every input, and FuzzParseFullStatus checks it: keys match
// exactly or else case-insensitively, repeated keys merge as encoding/json
// merges them, null leaves a field as it was (and empties a map or slice),
// invalid UTF-8 becomes U+FFFD, the same values of the wrong type are
// refused. What is rare or per model (the model, relations, offers, storage,
// status data, errors) is handed to encoding/json as the raw value, which
// keeps its semantics exact where speed does not matter.

// wireDecoder decodes one reply. Decoders are pooled: the caches are
// reused between replies.
type wireDecoder struct {
	dec   scanner
	depth int // of nested machines and units
	// strs and times are direct-mapped caches of short strings and of
	// parsed times, by a cheap hash: a hit costs a comparison, a miss
	// replaces the slot.
	strs  [512]string
	times [256]cachedTime
	// units, machines and lists hand out the structs and string slices of
	// one snapshot from chunks, instead of one allocation each; they are
	// dropped at the end of each reply, so that snapshots share none.
	unitChunk    []Unit
	machineChunk []Machine
	listChunk    []string
	unitN        int // size of the next chunk of units
	machineN     int // size of the next chunk of machines
	scratch      []string
}

type cachedTime struct {
	n   uint8
	raw [40]byte
	t   time.Time
}

var decoderPool = sync.Pool{New: func() any { return new(wireDecoder) }}

// Only short strings are interned.
const maxInternedLen = 64

// validFullStatus reports whether data is one JSON value as encoding/json
// accepts it (repeated keys and invalid UTF-8 in strings included).
func validFullStatus(data []byte) bool {
	return json.Valid(data)
}

// decodeFullStatus decodes a FullStatus reply (a JSON object, or null for
// an empty status), which must be valid JSON (see validFullStatus), into a
// Status.
func decodeFullStatus(data []byte) (*Status, error) {
	d := decoderPool.Get().(*wireDecoder)
	d.dec.reset(data)
	return d.decode()
}

// decodeFullStatusFrom is decodeFullStatus of the reply read from r as it
// decodes it, with a window of a few tens of kilobytes instead of the
// whole reply in memory (see scanner).
func decodeFullStatusFrom(r io.Reader) (*Status, error) {
	d := decoderPool.Get().(*wireDecoder)
	d.dec.resetReader(r)
	return d.decode()
}

// decode decodes the text d.dec was reset to and puts d back in the pool.
func (d *wireDecoder) decode() (*Status, error) {
	d.depth = 0
	s, err := d.fullStatus()
	d.dec.reset(nil) // let go of the text
	d.unitChunk, d.machineChunk, d.listChunk = nil, nil, nil
	d.unitN, d.machineN = 0, 0
	clear(d.scratch)
	d.scratch = d.scratch[:0]
	decoderPool.Put(d)
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (d *wireDecoder) fullStatus() (*Status, error) {
	var fs apiclient.FullStatus // the rare parts, decoded by encoding/json
	var apps map[string]*Application
	var machines map[string]*Machine
	_, err := d.object("full status", func(key []byte) error {
		return d.fullStatusField(&fs, &apps, &machines, key)
	})
	if err != nil {
		return nil, err
	}
	if d.dec.PeekKind() != 0 {
		return nil, errors.New("invalid character after the top-level value")
	}
	return fromWireParts(&fs, apps, machines), nil
}

var fullStatusFields = []string{"applications", "branches", "controller-timestamp", "filesystems", "machines", "model", "offers", "relations", "remote-applications", "storage", "volumes"}

func (d *wireDecoder) fullStatusField(fs *apiclient.FullStatus, apps *map[string]*Application, machines *map[string]*Machine, key []byte) error {
	switch string(key) {
	case "applications":
		return d.applications(apps)
	case "machines":
		return d.machines(machines)
	case "branches":
		return d.legacy(&fs.Branches)
	case "controller-timestamp":
		return d.legacy(&fs.ControllerTimestamp)
	case "filesystems":
		return d.legacy(&fs.Filesystems)
	case "model":
		return d.legacy(&fs.Model)
	case "offers":
		return d.legacy(&fs.Offers)
	case "relations":
		return d.legacy(&fs.Relations)
	case "remote-applications":
		return d.legacy(&fs.RemoteApplications)
	case "storage":
		return d.legacy(&fs.Storage)
	case "volumes":
		return d.legacy(&fs.Volumes)
	}
	if k := foldKey(key, fullStatusFields); k != "" {
		return d.fullStatusField(fs, apps, machines, []byte(k))
	}
	return d.dec.SkipValue()
}

// applications decodes the applications object into *apps, adding to the
// map already there (as encoding/json does with a repeated key).
func (d *wireDecoder) applications(apps *map[string]*Application) error {
	null, err := d.object("applications", func(key []byte) error {
		name := string(key)
		a, err := d.application(name)
		if err != nil {
			return err
		}
		if *apps == nil {
			*apps = make(map[string]*Application)
		}
		(*apps)[name] = a
		return nil
	})
	if null {
		*apps = nil
	}
	return err
}

// wireApp is an application as decoded, before it becomes an Application.
type wireApp struct {
	w      apiclient.ApplicationStatus // without Status and Units
	status wireInfo
	units  map[string]*Unit
}

var appFields = []string{"base", "can-upgrade-to", "charm", "charm-channel", "charm-profile", "charm-rev", "charm-version", "endpoint-bindings", "err", "exposed", "exposed-endpoints", "life", "meter-statuses", "provider-id", "public-address", "relations", "int", "status", "subordinate-to", "units", "workload-version"}

func (d *wireDecoder) application(name string) (*Application, error) {
	var wa wireApp
	// A null application is a zero one, as encoding/json makes it.
	if _, err := d.object("application", func(key []byte) error { return d.appField(&wa, name, key) }); err != nil {
		return nil, err
	}
	a := appFromWire(name, &wa.w)
	a.Status = wa.status.info()
	if len(wa.units) > 0 {
		a.Units = wa.units
	}
	return a, nil
}

func (d *wireDecoder) appField(wa *wireApp, app string, key []byte) error {
	w := &wa.w
	switch string(key) {
	case "units":
		null, err := d.object("units", func(key []byte) error {
			uname := string(key)
			u, err := d.unit(uname, app)
			if err != nil {
				return err
			}
			if wa.units == nil {
				wa.units = make(map[string]*Unit)
			}
			wa.units[uname] = u
			return nil
		})
		if null {
			wa.units = nil
		}
		return err
	case "status":
		return d.info(&wa.status)
	case "base":
		return d.base(&w.Base)
	case "can-upgrade-to":
		return d.str(&w.CanUpgradeTo, false)
	case "charm":
		return d.str(&w.Charm, true)
	case "charm-channel":
		return d.str(&w.CharmChannel, true)
	case "charm-profile":
		return d.str(&w.CharmProfile, true)
	case "charm-rev":
		return d.int(&w.CharmRev)
	case "charm-version":
		return d.str(&w.CharmVersion, true)
	case "exposed":
		return d.bool(&w.Exposed)
	case "life":
		return d.str(&w.Life, true)
	case "provider-id":
		return d.str(&w.ProviderID, false)
	case "public-address":
		return d.str(&w.PublicAddress, false)
	case "int":
		return d.int(&w.Scale)
	case "workload-version":
		return d.str(&w.WorkloadVersion, true)
	case "endpoint-bindings":
		return d.legacy(&w.EndpointBindings)
	case "err":
		return d.legacy(&w.Err)
	case "exposed-endpoints":
		return d.legacy(&w.ExposedEndpoints)
	case "meter-statuses":
		return d.legacy(&w.MeterStatuses)
	case "relations":
		return d.legacy(&w.Relations)
	case "subordinate-to":
		return d.legacy(&w.SubordinateTo)
	}
	if k := foldKey(key, appFields); k != "" {
		return d.appField(wa, app, []byte(k))
	}
	return d.dec.SkipValue()
}

// wireUnit is a unit as decoded, before it becomes a Unit.
type wireUnit struct {
	u               Unit // without the statuses and subordinates
	agent, workload wireInfo
	subordinates    map[string]*Unit
}

var unitFields = []string{"address", "agent-status", "charm", "leader", "machine", "opened-ports", "provider-id", "public-address", "subordinates", "workload-status", "workload-version"}

// unit decodes a unit as unitFromWire(name, app, ...) converts it.
func (d *wireDecoder) unit(name, app string) (*Unit, error) {
	var wu wireUnit
	wu.u.Name, wu.u.Application = name, app
	if _, err := d.object("unit", func(key []byte) error { return d.unitField(&wu, name, key) }); err != nil {
		return nil, err
	}
	u := d.newUnit()
	*u = wu.u
	u.AgentStatus = wu.agent.info()
	u.WorkloadStatus = wu.workload.info()
	if len(wu.subordinates) > 0 {
		u.Subordinates = wu.subordinates
	}
	return u, nil
}

func (d *wireDecoder) unitField(wu *wireUnit, name string, key []byte) error {
	u := &wu.u
	switch string(key) {
	case "agent-status":
		return d.info(&wu.agent)
	case "workload-status":
		return d.info(&wu.workload)
	case "address":
		return d.str(&u.Address, false)
	case "charm":
		return d.str(&u.Charm, true)
	case "leader":
		return d.bool(&u.Leader)
	case "machine":
		return d.str(&u.Machine, false)
	case "opened-ports":
		return d.strings(&u.OpenedPorts, true)
	case "provider-id":
		return d.str(&u.ProviderID, false)
	case "public-address":
		return d.str(&u.PublicAddress, false)
	case "workload-version":
		return d.str(&u.WorkloadVersion, true)
	case "subordinates":
		null, err := d.object("subordinates", func(key []byte) error {
			sname := string(key)
			subApp, _, _ := strings.Cut(sname, "/")
			sub, err := d.unit(sname, subApp)
			if err != nil {
				return err
			}
			sub.Principal = name
			if wu.subordinates == nil {
				wu.subordinates = make(map[string]*Unit)
			}
			wu.subordinates[sname] = sub
			return nil
		})
		if null {
			wu.subordinates = nil
		}
		return err
	}
	if k := foldKey(key, unitFields); k != "" {
		return d.unitField(wu, name, []byte(k))
	}
	return d.dec.SkipValue()
}

// machines decodes a machines (or containers) object into *ms.
func (d *wireDecoder) machines(ms *map[string]*Machine) error {
	null, err := d.object("machines", func(key []byte) error {
		id := string(key)
		m, err := d.machine(id)
		if err != nil {
			return err
		}
		if *ms == nil {
			*ms = make(map[string]*Machine)
		}
		(*ms)[id] = m
		return nil
	})
	if null {
		*ms = nil
	}
	return err
}

// wireMachine is a machine as decoded, before it becomes a Machine.
type wireMachine struct {
	m                             Machine // without statuses, interfaces, containers
	base                          facades.Base
	agent, instance, modification wireInfo
	interfaces                    map[string]NetworkInterface
	containers                    map[string]*Machine
	lxdProfiles                   map[string]facades.LXDProfile
}

var machineFields = []string{"agent-status", "base", "cluster-role", "constraints", "containers", "dns-name", "display-name", "hardware", "has-vote", "hostname", "id", "ip-addresses", "instance-id", "instance-status", "jobs", "lxd-profiles", "modification-status", "network-interfaces", "primary-controller-machine", "wants-vote"}

// machine decodes a machine as machineFromWire(id, ...) converts it.
func (d *wireDecoder) machine(id string) (*Machine, error) {
	var wm wireMachine
	if _, err := d.object("machine", func(key []byte) error { return d.machineField(&wm, key) }); err != nil {
		return nil, err
	}
	m := d.newMachine()
	*m = wm.m
	if m.ID == "" {
		m.ID = id
	}
	m.Base = Base{Name: wm.base.Name, Channel: wm.base.Channel}
	m.AgentStatus = wm.agent.info()
	m.InstanceStatus = wm.instance.info()
	m.ModificationStatus = wm.modification.info()
	if len(wm.interfaces) > 0 {
		m.NetworkInterfaces = wm.interfaces
	}
	for name := range wm.lxdProfiles {
		m.LXDProfiles = append(m.LXDProfiles, name)
	}
	slices.Sort(m.LXDProfiles)
	if len(wm.containers) > 0 {
		m.Containers = wm.containers
	}
	return m, nil
}

func (d *wireDecoder) machineField(wm *wireMachine, key []byte) error {
	m := &wm.m
	switch string(key) {
	case "agent-status":
		return d.info(&wm.agent)
	case "instance-status":
		return d.info(&wm.instance)
	case "modification-status":
		return d.info(&wm.modification)
	case "base":
		return d.base(&wm.base)
	case "cluster-role":
		return d.str(&m.ClusterRole, true)
	case "constraints":
		return d.str(&m.Constraints, true)
	case "containers":
		return d.machines(&wm.containers)
	case "dns-name":
		return d.str(&m.DNSName, false)
	case "display-name":
		return d.str(&m.DisplayName, false)
	case "hardware":
		return d.str(&m.Hardware, true)
	case "has-vote":
		return d.bool(&m.HasVote)
	case "hostname":
		return d.str(&m.Hostname, false)
	case "id":
		return d.str(&m.ID, false)
	case "ip-addresses":
		return d.strings(&m.IPAddresses, false)
	case "instance-id":
		return d.str(&m.InstanceID, false)
	case "jobs":
		return d.strings(&m.Jobs, true)
	case "lxd-profiles":
		var err error
		wm.lxdProfiles, err = legacyInto(d, wm.lxdProfiles)
		return err
	case "network-interfaces":
		return d.interfaces(&wm.interfaces)
	case "primary-controller-machine":
		return d.bool(&m.PrimaryControllerMachine)
	case "wants-vote":
		return d.bool(&m.WantsVote)
	}
	if k := foldKey(key, machineFields); k != "" {
		return d.machineField(wm, []byte(k))
	}
	return d.dec.SkipValue()
}

var interfaceFields = []string{"dns-nameservers", "gateway", "ip-addresses", "is-up", "mac-address", "space"}

// interfaces decodes the network-interfaces object of a machine.
func (d *wireDecoder) interfaces(out *map[string]NetworkInterface) error {
	null, err := d.object("network-interfaces", func(key []byte) error {
		name := string(key)
		var n NetworkInterface
		if _, err := d.object("network interface", func(key []byte) error { return d.interfaceField(&n, key) }); err != nil {
			return err
		}
		if *out == nil {
			*out = make(map[string]NetworkInterface)
		}
		(*out)[name] = n
		return nil
	})
	if null {
		*out = nil
	}
	return err
}

func (d *wireDecoder) interfaceField(n *NetworkInterface, key []byte) error {
	switch string(key) {
	case "dns-nameservers":
		return d.strings(&n.DNSNameservers, true)
	case "gateway":
		return d.str(&n.Gateway, true)
	case "ip-addresses":
		return d.strings(&n.IPAddresses, false)
	case "is-up":
		return d.bool(&n.IsUp)
	case "mac-address":
		return d.str(&n.MACAddress, false)
	case "space":
		return d.str(&n.Space, true)
	}
	if k := foldKey(key, interfaceFields); k != "" {
		return d.interfaceField(n, []byte(k))
	}
	return d.dec.SkipValue()
}

var baseFields = []string{"channel", "name"}

func (d *wireDecoder) base(b *facades.Base) error {
	_, err := d.object("base", func(key []byte) error { return d.baseField(b, key) })
	return err
}

func (d *wireDecoder) baseField(b *facades.Base, key []byte) error {
	switch string(key) {
	case "channel":
		return d.str(&b.Channel, true)
	case "name":
		return d.str(&b.Name, true)
	}
	if k := foldKey(key, baseFields); k != "" {
		return d.baseField(b, []byte(k))
	}
	return d.dec.SkipValue()
}

// wireInfo is a facades.DetailedStatus as decoded, before it becomes an
// Info.
type wireInfo struct {
	current, message, version, life, kind string
	since                                 time.Time
	data                                  map[string]any
	err                                   *facades.Error
}

func (w *wireInfo) info() Info {
	st := Info{Current: w.current, Message: w.message, Since: w.since, Version: w.version, Life: w.life, Err: wireErr(w.err)}
	if len(w.data) > 0 {
		st.Data = w.data
	}
	return st
}

var infoFields = []string{"data", "err", "info", "kind", "life", "since", "status", "version"}

// info decodes a DetailedStatus into w.
func (d *wireDecoder) info(w *wireInfo) error {
	_, err := d.object("status", func(key []byte) error { return d.infoField(w, key) })
	return err
}

func (d *wireDecoder) infoField(w *wireInfo, key []byte) error {
	switch string(key) {
	case "status":
		return d.str(&w.current, true)
	case "info":
		return d.str(&w.message, true)
	case "version":
		return d.str(&w.version, true)
	case "life":
		return d.str(&w.life, true)
	case "kind":
		return d.str(&w.kind, true)
	case "since":
		return d.time(&w.since)
	case "data":
		v, err := d.dec.ReadValue()
		if err != nil {
			return err
		}
		switch {
		case string(v) == "null":
			w.data = nil
		case string(v) == "{}" && w.data == nil:
			// encoding/json would make an empty map: Info keeps none.
		default:
			data := w.data
			err := json.Unmarshal(v, &data)
			w.data = data
			return err
		}
		return nil
	case "err":
		var err error
		w.err, err = legacyInto(d, w.err)
		return err
	}
	if k := foldKey(key, infoFields); k != "" {
		return d.infoField(w, []byte(k))
	}
	return d.dec.SkipValue()
}

// object reads the object that comes next, calling f with each member's
// key (unescaped; valid until the value is read) before f reads the value.
// null is no object: f is not called and null is true. Anything else fails.
func (d *wireDecoder) object(what string, f func(key []byte) error) (null bool, err error) {
	switch k := d.dec.PeekKind(); k {
	case 'n':
		_, err := d.dec.ReadValue()
		return err == nil, err
	case '{':
	default:
		return false, d.mismatch(what, "an object")
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return false, err
	}
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxDepth {
		return false, errors.New("exceeded max depth")
	}
	for d.dec.PeekKind() != '}' {
		k, err := d.dec.ReadValue()
		if err != nil {
			return false, err
		}
		if k[0] != '"' {
			return false, fmt.Errorf("%s: object key expected", what)
		}
		key := k[1 : len(k)-1]
		if !d.dec.plain {
			key, err = unquote(k)
		}
		if err != nil {
			return false, err
		}
		if err := f(key); err != nil {
			return false, err
		}
	}
	_, err = d.dec.ReadToken()
	return false, err
}

// mismatch reads the value that comes next (so that a syntax error wins,
// as with encoding/json) and reports that it is not what was expected.
func (d *wireDecoder) mismatch(what, want string) error {
	v, err := d.dec.ReadValue()
	if err != nil {
		return err
	}
	return fmt.Errorf("%s: want %s, not %s", what, want, kindOf(v))
}

// legacy decodes the value that comes next into v with encoding/json.
func (d *wireDecoder) legacy(v any) error {
	raw, err := d.dec.ReadValue()
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// str decodes a string into *dst; null leaves *dst as it is. Short strings
// are interned when intern is set.
func (d *wireDecoder) str(dst *string, intern bool) error {
	s, null, err := d.readString(intern)
	if err == nil && !null {
		*dst = s
	}
	return err
}

// readString reads a string, or null.
func (d *wireDecoder) readString(intern bool) (s string, null bool, err error) {
	v, err := d.dec.ReadValue()
	if err != nil {
		return "", false, err
	}
	switch v[0] {
	case '"':
	case 'n':
		return "", true, nil
	default:
		return "", false, fmt.Errorf("want a string, not %s", kindOf(v))
	}
	b := v[1 : len(v)-1]
	if !d.dec.plain {
		s, err := unquoteString(v)
		return s, false, err
	}
	if intern {
		return d.intern(b), false, nil
	}
	return string(b), false, nil
}

// unquoteString unescapes a JSON string as encoding/json does (invalid
// UTF-8 and lone surrogates become U+FFFD).
func unquoteString(v []byte) (string, error) {
	var s string
	err := json.Unmarshal(v, &s)
	return s, err
}

// legacyInto decodes the value that comes next with encoding/json into a
// copy of cur, and returns it: encoding/json merges into what is there, as
// it does with a repeated key.
func legacyInto[T any](d *wireDecoder, cur T) (T, error) {
	v := cur
	err := d.legacy(&v)
	return v, err
}

func (d *wireDecoder) intern(b []byte) string {
	n := len(b)
	if n == 0 {
		return ""
	}
	if n > maxInternedLen {
		return string(b)
	}
	h := (uint(n)*0x9e37 ^ uint(b[0])<<4 ^ uint(b[n/2])<<9 ^ uint(b[n-1])) % uint(len(d.strs))
	if s := d.strs[h]; s == string(b) {
		return s
	}
	s := string(b)
	d.strs[h] = s
	return s
}

// Chunks of structs and lists grow from chunkMin to chunkMax elements, so
// that a small snapshot stays small.
const (
	chunkMin = 8
	chunkMax = 256
)

func (d *wireDecoder) newUnit() *Unit {
	if len(d.unitChunk) == 0 {
		d.unitN = min(max(2*d.unitN, chunkMin), chunkMax)
		d.unitChunk = make([]Unit, d.unitN)
	}
	u := &d.unitChunk[0]
	d.unitChunk = d.unitChunk[1:]
	return u
}

func (d *wireDecoder) newMachine() *Machine {
	if len(d.machineChunk) == 0 {
		d.machineN = min(max(2*d.machineN, chunkMin), chunkMax)
		d.machineChunk = make([]Machine, d.machineN)
	}
	m := &d.machineChunk[0]
	d.machineChunk = d.machineChunk[1:]
	return m
}

// list returns a copy of l from the current chunk, with no room to grow
// (an append copies it elsewhere).
func (d *wireDecoder) list(l []string) []string {
	n := len(l)
	if n == 0 {
		return []string{}
	}
	if n > chunkMax/4 {
		return slices.Clone(l)
	}
	if len(d.listChunk) < n {
		d.listChunk = make([]string, chunkMax)
	}
	out := d.listChunk[:n:n]
	d.listChunk = d.listChunk[n:]
	copy(out, l)
	return out
}

// strings decodes an array of strings into *dst as encoding/json does:
// null makes it nil, [] empty and not nil.
func (d *wireDecoder) strings(dst *[]string, intern bool) error {
	switch d.dec.PeekKind() {
	case 'n':
		_, err := d.dec.ReadValue()
		*dst = nil
		return err
	case '[':
		if *dst != nil {
			// A repeated key: encoding/json reuses the slice.
			v, err := legacyInto(d, *dst)
			*dst = v
			return err
		}
	default:
		return d.mismatch("list", "an array")
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	start := len(d.scratch)
	defer func() { d.scratch = d.scratch[:start] }()
	for d.dec.PeekKind() != ']' {
		s, _, err := d.readString(intern)
		if err != nil {
			return err
		}
		d.scratch = append(d.scratch, s)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	*dst = d.list(d.scratch[start:])
	return nil
}

// int decodes a number into *dst as encoding/json decodes into an int:
// only integers fit. null leaves it as it is.
func (d *wireDecoder) int(dst *int) error {
	v, err := d.dec.ReadValue()
	if err != nil {
		return err
	}
	switch v[0] {
	case 'n':
		return nil
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
	default:
		return fmt.Errorf("want a number, not %s", kindOf(v))
	}
	n, err := strconv.ParseInt(string(v), 10, strconv.IntSize)
	if err != nil {
		return fmt.Errorf("cannot decode %s into an int", v)
	}
	*dst = int(n)
	return nil
}

// bool decodes true or false into *dst; null leaves it as it is.
func (d *wireDecoder) bool(dst *bool) error {
	v, err := d.dec.ReadValue()
	if err != nil {
		return err
	}
	switch string(v) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	case "null":
	default:
		return fmt.Errorf("want a boolean, not %s", kindOf(v))
	}
	return nil
}

// time decodes a time as encoding/json decodes a *time.Time (null is the
// zero time), parsing a value seen recently only once.
func (d *wireDecoder) time(dst *time.Time) error {
	v, err := d.dec.ReadValue()
	if err != nil {
		return err
	}
	if string(v) == "null" {
		*dst = time.Time{}
		return nil
	}
	n := len(v)
	if n < 8 || n > len(d.times[0].raw) {
		var t time.Time
		err := t.UnmarshalJSON(v)
		*dst = t
		return err
	}
	c := &d.times[(uint(n)*31^uint(v[n-2])<<6^uint(v[n-3])<<3^uint(v[n-4])^uint(v[n/2])<<9)%uint(len(d.times))]
	if int(c.n) == n && string(c.raw[:n]) == string(v) {
		*dst = c.t
		return nil
	}
	var t time.Time
	if err := t.UnmarshalJSON(v); err != nil {
		return err
	}
	c.n = uint8(copy(c.raw[:], v))
	c.t = t
	*dst = t
	return nil
}

// unquote returns the contents of a JSON string, unescaped.
func unquote(v []byte) ([]byte, error) {
	s, err := unquoteString(v)
	return []byte(s), err
}

// foldKey returns the field name that key matches case-insensitively, as
// encoding/json matches keys that are not exact, or "".
func foldKey(key []byte, names []string) string {
	for _, n := range names {
		if bytes.EqualFold(key, []byte(n)) {
			return n
		}
	}
	return ""
}
