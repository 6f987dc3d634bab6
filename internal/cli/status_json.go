package cli

import (
	"encoding/json"
	"io"
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/gojuju/juju/status"
)

// writeStatusJSON writes s as "juju status --format=json" prints it,
// followed by a newline, streaming it to w in chunks instead of building
// the document (statusDocument) and its encoding in memory: at 10,000
// units that document and its bytes were about half of what the command
// allocated. The bytes are those json.Marshal(statusDocument(s,
// controller)) gives, which the tests check: the same key order, the
// same escaping (encoding/json's, HTML characters included, as juju's
// own output has them), map keys sorted. The small, rare sections (the
// model, offers, SAAS, storage, relations, exposed endpoints) are encoded
// with encoding/json from their document types; the machines,
// applications and units, which grow with the model, are written here.
func writeStatusJSON(w io.Writer, s *status.Status, controller string) error {
	e := &jsonStream{w: w, buf: make([]byte, 0, jsonChunk+4096)}
	doc := statusDocHead(s, controller)
	e.raw(`{"model":`)
	e.marshal(doc.Model)
	e.raw(`,"machines":{`)
	for i, id := range slices.Sorted(maps.Keys(s.Machines)) {
		if i > 0 {
			e.byte(',')
		}
		e.str(id)
		e.byte(':')
		e.machine(s.Machines[id])
	}
	e.raw(`},"applications":{`)
	related := relatedApplications(s)
	for i, name := range slices.Sorted(maps.Keys(s.Applications)) {
		if i > 0 {
			e.byte(',')
		}
		e.str(name)
		e.byte(':')
		e.application(name, s.Applications[name], related[name])
	}
	e.byte('}')
	if doc.ApplicationEndpnts != nil {
		e.raw(`,"application-endpoints":`)
		e.marshal(doc.ApplicationEndpnts)
	}
	if doc.Offers != nil {
		e.raw(`,"offers":`)
		e.marshal(doc.Offers)
	}
	e.raw(`,"storage":`)
	e.marshal(storageDocument(s))
	e.raw(`,"controller":`)
	e.marshal(doc.Controller)
	e.raw("}\n")
	return e.flush()
}

// statusDocHead is statusDocument without the machines, applications and
// storage, which writeStatusJSON writes itself.
func statusDocHead(s *status.Status, controller string) statusDoc {
	return statusDocument(&status.Status{
		Model:               s.Model,
		Offers:              s.Offers,
		RemoteApplications:  s.RemoteApplications,
		ControllerTimestamp: s.ControllerTimestamp,
	}, controller)
}

// jsonChunk is how many bytes jsonStream gathers before writing them.
const jsonChunk = 32 << 10

// jsonStream appends JSON to a buffer that it writes out in chunks; the
// first write error sticks and is returned by flush.
type jsonStream struct {
	w   io.Writer
	buf []byte
	err error
}

func (e *jsonStream) maybeFlush() {
	if len(e.buf) >= jsonChunk && e.err == nil {
		_, e.err = e.w.Write(e.buf)
		e.buf = e.buf[:0]
	}
}

func (e *jsonStream) flush() error {
	if e.err == nil && len(e.buf) > 0 {
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
	return e.err
}

func (e *jsonStream) raw(s string) { e.buf = append(e.buf, s...) }
func (e *jsonStream) byte(c byte)  { e.buf = append(e.buf, c) }
func (e *jsonStream) str(s string) { e.buf = appendJSONString(e.buf, s) }

// marshal appends v as encoding/json encodes it.
func (e *jsonStream) marshal(v any) {
	data, err := json.Marshal(v)
	if err != nil && e.err == nil {
		e.err = err
	}
	e.buf = append(e.buf, data...)
	e.maybeFlush()
}

// field appends ,"key": (or "key": first) and notes that a field was
// written.
func (e *jsonStream) field(first *bool, key string) {
	if !*first {
		e.byte(',')
	}
	*first = false
	e.byte('"')
	e.raw(key) // keys are ASCII constants that need no escaping
	e.raw(`":`)
}

func (e *jsonStream) strField(first *bool, key, v string) {
	e.field(first, key)
	e.str(v)
}

// optStr appends a string field with omitempty.
func (e *jsonStream) optStr(first *bool, key, v string) {
	if v != "" {
		e.strField(first, key, v)
	}
}

func (e *jsonStream) boolField(first *bool, key string, v bool) {
	e.field(first, key)
	e.buf = strconv.AppendBool(e.buf, v)
}

// strList appends a []string field with omitempty.
func (e *jsonStream) strList(first *bool, key string, v []string) {
	if len(v) == 0 {
		return
	}
	e.field(first, key)
	e.byte('[')
	for i, s := range v {
		if i > 0 {
			e.byte(',')
		}
		e.str(s)
	}
	e.byte(']')
}

// info appends a statusInfoDoc object (infoDoc).
func (e *jsonStream) info(st status.Info, withLife bool) {
	first := true
	e.byte('{')
	e.optStr(&first, "current", st.Current)
	e.optStr(&first, "message", st.Message)
	if !st.Since.IsZero() {
		e.field(&first, "since")
		e.byte('"')
		e.buf = st.Since.UTC().AppendFormat(e.buf, sinceFormat)
		e.byte('"')
	}
	e.optStr(&first, "version", st.Version)
	if withLife {
		e.optStr(&first, "life", st.Life)
	}
	e.byte('}')
}

func (e *jsonStream) infoField(first *bool, key string, st status.Info, withLife bool) {
	e.field(first, key)
	e.info(st, withLife)
}

func (e *jsonStream) base(first *bool, b status.Base) {
	d := baseOf(b)
	if d == nil {
		return
	}
	e.field(first, "base")
	e.raw(`{"name":`)
	e.str(d.Name)
	e.raw(`,"channel":`)
	e.str(d.Channel)
	e.byte('}')
}

// machine appends a machineDoc object (machineDocument).
func (e *jsonStream) machine(m *status.Machine) {
	var keyBuf [8]string
	first := true
	e.byte('{')
	e.infoField(&first, "juju-status", m.AgentStatus, true)
	e.optStr(&first, "hostname", m.Hostname)
	e.optStr(&first, "dns-name", m.DNSName)
	e.strList(&first, "ip-addresses", m.IPAddresses)
	e.optStr(&first, "instance-id", m.InstanceID)
	e.optStr(&first, "display-name", m.DisplayName)
	e.infoField(&first, "machine-status", m.InstanceStatus, true)
	e.infoField(&first, "modification-status", m.ModificationStatus, true)
	e.base(&first, m.Base)
	if len(m.NetworkInterfaces) > 0 {
		e.field(&first, "network-interfaces")
		e.byte('{')
		for i, name := range sortedKeys(&keyBuf, m.NetworkInterfaces) {
			if i > 0 {
				e.byte(',')
			}
			n := m.NetworkInterfaces[name]
			e.str(name)
			e.raw(`:{"ip-addresses":`)
			if n.IPAddresses == nil {
				e.raw("null")
			} else {
				e.byte('[')
				for j, a := range n.IPAddresses {
					if j > 0 {
						e.byte(',')
					}
					e.str(a)
				}
				e.byte(']')
			}
			f := false
			e.strField(&f, "mac-address", n.MACAddress)
			e.optStr(&f, "gateway", n.Gateway)
			e.strList(&f, "dns-nameservers", n.DNSNameservers)
			e.optStr(&f, "space", n.Space)
			e.boolField(&f, "is-up", n.IsUp)
			e.byte('}')
		}
		e.byte('}')
	}
	if len(m.Containers) > 0 {
		e.field(&first, "containers")
		e.byte('{')
		for i, id := range sortedKeys(&keyBuf, m.Containers) {
			if i > 0 {
				e.byte(',')
			}
			e.str(id)
			e.byte(':')
			e.machine(m.Containers[id])
		}
		e.byte('}')
	}
	e.optStr(&first, "constraints", m.Constraints)
	e.optStr(&first, "hardware", m.Hardware)
	if len(m.LXDProfiles) > 0 {
		e.field(&first, "lxd-profiles")
		e.byte('{')
		profiles := slices.Clone(m.LXDProfiles)
		slices.Sort(profiles)
		for i, p := range slices.Compact(profiles) {
			if i > 0 {
				e.byte(',')
			}
			e.str(p)
			e.raw(":{}")
		}
		e.byte('}')
	}
	e.byte('}')
	e.maybeFlush()
}

// application appends an applicationDoc object (statusDocument's).
func (e *jsonStream) application(name string, a *status.Application, related map[string][]relatedDoc) {
	var keyBuf [8]string
	first := true
	e.byte('{')
	e.strField(&first, "charm", charmAlias(a))
	e.base(&first, a.Base)
	e.strField(&first, "charm-origin", charmOrigin(a.Charm))
	e.strField(&first, "charm-name", a.CharmName)
	e.field(&first, "charm-rev")
	e.buf = strconv.AppendInt(e.buf, int64(a.CharmRev), 10)
	e.optStr(&first, "charm-version", a.CharmVersion)
	e.optStr(&first, "charm-profile", a.CharmProfile)
	e.optStr(&first, "charm-channel", a.CharmChannel)
	e.optStr(&first, "can-upgrade-to", a.CanUpgradeTo)
	if a.Scale != 0 {
		e.field(&first, "scale")
		e.buf = strconv.AppendInt(e.buf, int64(a.Scale), 10)
	}
	e.optStr(&first, "provider-id", a.ProviderID)
	e.optStr(&first, "address", a.PublicAddress)
	e.boolField(&first, "exposed", a.Exposed)
	e.optStr(&first, "life", a.Life)
	e.infoField(&first, "application-status", a.Status, false)
	if len(related) > 0 {
		e.field(&first, "relations")
		e.marshal(related)
	}
	e.strList(&first, "subordinate-to", a.SubordinateTo)
	// Subordinate units are listed under their principals only.
	var units []string
	for un, u := range a.Units {
		if u.Principal == "" {
			units = append(units, un)
		}
	}
	if len(units) > 0 {
		slices.Sort(units)
		e.field(&first, "units")
		e.byte('{')
		for i, un := range units {
			if i > 0 {
				e.byte(',')
			}
			e.str(un)
			e.byte(':')
			e.unit(a.Units[un])
		}
		e.byte('}')
	}
	e.optStr(&first, "version", a.WorkloadVersion)
	if len(a.EndpointBindings) > 0 {
		e.field(&first, "endpoint-bindings")
		e.byte('{')
		for i, ep := range sortedKeys(&keyBuf, a.EndpointBindings) {
			if i > 0 {
				e.byte(',')
			}
			e.str(ep)
			e.byte(':')
			e.str(a.EndpointBindings[ep])
		}
		e.byte('}')
	}
	if len(a.ExposedEndpoints) > 0 {
		e.field(&first, "exposed-endpoints")
		eps := map[string]exposedEndpointDoc{}
		for ep, x := range a.ExposedEndpoints {
			eps[ep] = exposedEndpointDoc{ExposeToSpaces: x.ToSpaces, ExposeToCIDRs: x.ToCIDRs}
		}
		e.marshal(eps)
	}
	e.byte('}')
	e.maybeFlush()
}

// unit appends a unitDoc object (unitDocument).
func (e *jsonStream) unit(u *status.Unit) {
	var keyBuf [8]string
	first := true
	e.byte('{')
	e.infoField(&first, "workload-status", u.WorkloadStatus, false)
	e.infoField(&first, "juju-status", u.AgentStatus, false)
	if u.Leader {
		e.boolField(&first, "leader", true)
	}
	e.optStr(&first, "machine", u.Machine)
	e.strList(&first, "open-ports", u.OpenedPorts)
	e.optStr(&first, "public-address", u.PublicAddress)
	e.optStr(&first, "address", u.Address)
	e.optStr(&first, "provider-id", u.ProviderID)
	e.optStr(&first, "charm", u.Charm)
	if len(u.Subordinates) > 0 {
		e.field(&first, "subordinates")
		e.byte('{')
		for i, name := range sortedKeys(&keyBuf, u.Subordinates) {
			if i > 0 {
				e.byte(',')
			}
			e.str(name)
			e.byte(':')
			e.unit(u.Subordinates[name])
		}
		e.byte('}')
	}
	e.byte('}')
	e.maybeFlush()
}

// sortedKeys returns m's keys sorted, in buf when they fit (the small maps
// of each machine and unit then cost no allocation).
func sortedKeys[V any](buf *[8]string, m map[string]V) []string {
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string exactly as encoding/json
// writes it with HTML escaping (its default): \" \\ \b \f \n \r \t, other
// control characters and < > & as \u00XX, U+2028 and U+2029 escaped,
// invalid UTF-8 as \ufffd.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
