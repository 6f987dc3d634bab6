package status

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TableOptions tunes [Status.WriteTable]. The zero value (or nil) gives the
// default table: no controller name and no integrations section.
type TableOptions struct {
	// Controller is the controller's name, shown in the header row.
	Controller string
	// Relations adds the integrations section ("juju status --relations").
	Relations bool
	// Storage adds the storage section ("juju status --storage"); it
	// needs a snapshot taken with Options.IncludeStorage.
	Storage bool
}

// WriteTable writes the snapshot to w as the tabular output of
// "juju status" does: a header row describing the model, then the SAAS,
// application, unit, machine and offer sections that have rows, and with
// opts.Relations the integrations section. Columns are separated by two
// spaces; the last column of each row is not padded. It returns the first
// error w returned.
func (s *Status) WriteTable(w io.Writer, opts *TableOptions) error {
	if opts == nil {
		opts = &TableOptions{}
	}
	bw := bufio.NewWriter(w)
	s.writeTable(bw, opts)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("cannot write the status table: %w", err)
	}
	return nil
}

// table renders aligned columns separated by two spaces; the last column
// is not padded. right marks right-aligned columns.
type table struct {
	rows  [][]string
	right map[int]bool
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer) {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		b.Reset()
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i == len(r)-1 {
				if t.right[i] {
					b.WriteString(pad)
				}
				b.WriteString(c)
				break
			}
			if t.right[i] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
			b.WriteString("  ")
		}
		fmt.Fprintln(w, b.String())
	}
}

func (s *Status) writeTable(w io.Writer, opts *TableOptions) {
	ts := ""
	if !s.ControllerTimestamp.IsZero() {
		ts = s.ControllerTimestamp.UTC().Format("15:04:05Z07:00")
	}
	cloud := s.Model.Cloud
	if s.Model.Region != "" {
		cloud += "/" + s.Model.Region
	}
	hdr := &table{}
	if s.Model.SLA != "" { // Juju 3.6: its CLI shows the SLA column
		hdr.add("Model", "Controller", "Cloud/Region", "Version", "SLA", "Timestamp")
		hdr.add(s.Model.Name, opts.Controller, cloud, s.Model.Version, s.Model.SLA, ts)
	} else {
		hdr.add("Model", "Controller", "Cloud/Region", "Version", "Timestamp")
		hdr.add(s.Model.Name, opts.Controller, cloud, s.Model.Version, ts)
	}
	hdr.write(w)

	if len(s.RemoteApplications) > 0 {
		fmt.Fprintln(w)
		t := &table{}
		t.add("SAAS", "Status", "Store", "URL")
		for _, name := range slices.Sorted(maps.Keys(s.RemoteApplications)) {
			r := s.RemoteApplications[name]
			store, url := "local", r.OfferURL
			if c, rest, ok := strings.Cut(r.OfferURL, ":"); ok {
				store, url = c, rest
			}
			t.add(name, r.Status.Current, store, url)
		}
		t.write(w)
	}

	if len(s.Applications) > 0 {
		fmt.Fprintln(w)
		t := &table{right: map[int]bool{3: true, 6: true}}
		t.add("App", "Version", "Status", "Scale", "Charm", "Channel", "Rev", "Exposed", "Message")
		for _, name := range s.ApplicationNames() {
			a := s.Applications[name]
			exposed := "no"
			if a.Exposed {
				exposed = "yes"
			}
			t.add(name, a.WorkloadVersion, a.Status.Current, tableScale(a), a.CharmName, a.CharmChannel,
				strconv.Itoa(a.CharmRev), exposed, a.Status.Message)
		}
		t.write(w)

		fmt.Fprintln(w)
		u := &table{}
		u.add("Unit", "Workload", "Agent", "Machine", "Public address", "Ports", "Message")
		for _, name := range s.ApplicationNames() {
			a := s.Applications[name]
			if a.Subordinate() {
				continue
			}
			for _, unit := range a.UnitList() {
				addUnitRow(u, unit, "")
				for _, sub := range unit.SubordinateList() {
					addUnitRow(u, sub, "  ")
				}
			}
		}
		if len(u.rows) > 1 {
			u.write(w)
		}
	}

	if len(s.Machines) > 0 {
		fmt.Fprintln(w)
		t := &table{}
		t.add("Machine", "State", "Address", "Inst id", "Base", "AZ", "Message")
		var addMachine func(m *Machine, indent string)
		addMachine = func(m *Machine, indent string) {
			t.add(indent+m.ID, m.AgentStatus.Current, machineAddress(m), m.InstanceID, m.Base.String(),
				availabilityZone(m.Hardware), m.InstanceStatus.Message)
			for _, id := range sortedMachineIDs(m.Containers) {
				addMachine(m.Containers[id], indent+"  ")
			}
		}
		for _, id := range sortedMachineIDs(s.Machines) {
			addMachine(s.Machines[id], "")
		}
		t.write(w)
	}

	if len(s.Offers) > 0 {
		fmt.Fprintln(w)
		// As juju status prints it: the charm's name and revision in
		// columns of their own (the revision left-aligned, unlike the
		// application section's).
		t := &table{}
		t.add("Offer", "Application", "Charm", "Rev", "Connected", "Endpoint", "Interface", "Role")
		for _, name := range slices.Sorted(maps.Keys(s.Offers)) {
			o := s.Offers[name]
			charmName, rev, _ := parseCharmURL(o.Charm)
			connected := fmt.Sprintf("%d/%d", o.ActiveConnected, o.TotalConnected)
			first := true
			for _, alias := range slices.Sorted(maps.Keys(o.Endpoints)) {
				e := o.Endpoints[alias]
				if first {
					t.add(name, o.Application, charmName, strconv.Itoa(rev), connected, alias, e.Interface, e.Role)
					first = false
				} else {
					t.add("", "", "", "", "", alias, e.Interface, e.Role)
				}
			}
			if first {
				t.add(name, o.Application, charmName, strconv.Itoa(rev), connected, "", "", "")
			}
		}
		t.write(w)
	}

	if opts.Relations && len(s.Relations) > 0 {
		fmt.Fprintln(w)
		t := &table{}
		t.add("Integration provider", "Requirer", "Interface", "Type", "Message")
		for _, r := range s.Relations {
			provider, requirer, kind := "", "", "regular"
			switch {
			case r.Peer():
				provider, requirer, kind = r.Endpoints[0].String(), r.Endpoints[0].String(), "peer"
			default:
				for _, e := range r.Endpoints {
					if e.Role == "provider" {
						provider = e.String()
					} else {
						requirer = e.String()
					}
					if e.Subordinate {
						kind = "subordinate"
					}
				}
			}
			msg := ""
			if r.Status.Current != "joined" {
				msg = r.Status.Current
				if r.Status.Message != "" {
					msg += ": " + r.Status.Message
				}
			}
			t.add(provider, requirer, r.Interface, kind, msg)
		}
		t.write(w)
	}

	if opts.Storage && len(s.Storage) > 0 {
		fmt.Fprintln(w)
		s.storageTable().write(w)
	}
}

func addUnitRow(t *table, u *Unit, indent string) {
	name := indent + u.Name
	if u.Leader {
		name += "*"
	}
	addr := u.PublicAddress
	if addr == "" {
		addr = u.Address
	}
	msg := u.WorkloadStatus.Message
	if msg == "" {
		msg = u.AgentStatus.Message
	}
	t.add(name, u.WorkloadStatus.Current, u.AgentStatus.Current, u.Machine, addr, strings.Join(u.OpenedPorts, ","), msg)
}

// tableScale renders "started/total" as juju status does ("3" when all
// units are past allocation).
func tableScale(a *Application) string {
	total := max(len(a.Units), a.Scale)
	started := 0
	for _, u := range a.Units {
		switch u.AgentStatus.Current {
		case "", "allocating", "lost":
		default:
			started++
		}
	}
	if started == total {
		return strconv.Itoa(total)
	}
	return fmt.Sprintf("%d/%d", started, total)
}

func machineAddress(m *Machine) string {
	if m.DNSName != "" {
		return m.DNSName
	}
	if len(m.IPAddresses) > 0 {
		return m.IPAddresses[0]
	}
	return ""
}

func availabilityZone(hardware string) string {
	for _, f := range strings.Fields(hardware) {
		if z, ok := strings.CutPrefix(f, "availability-zone="); ok {
			return z
		}
	}
	return ""
}

// sortedMachineIDs sorts machine ids numerically part by part ("2"
// before "10", "0/lxd/2" before "0/lxd/10").
func sortedMachineIDs(m map[string]*Machine) []string {
	ids := slices.Sorted(maps.Keys(m))
	slices.SortFunc(ids, func(a, b string) int {
		pa, pb := strings.Split(a, "/"), strings.Split(b, "/")
		for i := 0; i < len(pa) && i < len(pb); i++ {
			na, ea := strconv.Atoi(pa[i])
			nb, eb := strconv.Atoi(pb[i])
			switch {
			case ea == nil && eb == nil && na != nb:
				return na - nb
			case pa[i] != pb[i]:
				return strings.Compare(pa[i], pb[i])
			}
		}
		return len(pa) - len(pb)
	})
	return ids
}
