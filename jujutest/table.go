package jujutest

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/gojuju/juju"
)

// writeTable writes a status snapshot as a table close to "juju status".
func writeTable(w io.Writer, s *juju.Status, controller string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	defer func() { _ = tw.Flush() }()
	fmt.Fprintln(tw, "Model\tController\tCloud/Region\tVersion\tStatus")
	fmt.Fprintf(tw, "%s\t%s\t%s/%s\t%s\t%s\n", s.Model.Name, controller, s.Model.Cloud, s.Model.Region, s.Model.Version, s.Model.Status)

	if len(s.Applications) > 0 {
		fmt.Fprintln(tw)
		fmt.Fprintln(tw, "App\tVersion\tStatus\tScale\tCharm\tChannel\tRev\tMessage")
		for _, name := range s.ApplicationNames() {
			a := s.Applications[name]
			st := a.EffectiveStatus()
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%d\t%s\n", name, a.WorkloadVersion, st.Current, len(a.Units),
				a.CharmName, a.CharmChannel, a.CharmRev, st.Message)
		}
		fmt.Fprintln(tw)
		fmt.Fprintln(tw, "Unit\tWorkload\tAgent\tMachine\tAddress\tMessage")
		for _, u := range s.AllUnits() {
			name := u.Name
			if u.Leader {
				name += "*"
			}
			if u.Principal != "" {
				name = "  " + name
			}
			msg := u.WorkloadStatus.Message
			if u.AgentStatus.Message != "" && (u.AgentStatus.Current == "executing" || u.AgentStatus.Current == "failed") {
				msg = strings.TrimSpace(msg + " (" + u.AgentStatus.Message + ")")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, u.WorkloadStatus.Current, u.AgentStatus.Current,
				u.Machine, s.Address(u.Name), msg)
		}
	}
	if len(s.Machines) > 0 {
		fmt.Fprintln(tw)
		fmt.Fprintln(tw, "Machine\tState\tAddress\tInst id\tBase\tMessage")
		ids := make([]string, 0, len(s.Machines))
		for id := range s.Machines {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return machineLess(ids[i], ids[j]) })
		for _, id := range ids {
			m := s.Machines[id]
			addr := m.DNSName
			if addr == "" && len(m.IPAddresses) > 0 {
				addr = m.IPAddresses[0]
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", id, m.AgentStatus.Current, addr, m.InstanceID, m.Base, m.InstanceStatus.Message)
		}
	}
	if len(s.Relations) > 0 {
		fmt.Fprintln(tw)
		fmt.Fprintln(tw, "Integration provider\tRequirer\tInterface\tType\tStatus")
		for _, r := range s.Relations {
			if r.Peer() && len(r.Endpoints) > 0 {
				ep := r.Endpoints[0]
				fmt.Fprintf(tw, "%s\t%s\t%s\tpeer\t%s\n", ep, ep, r.Interface, r.Status.Current)
				continue
			}
			p, _ := r.Endpoint("provider")
			q, _ := r.Endpoint("requirer")
			fmt.Fprintf(tw, "%s\t%s\t%s\tregular\t%s\n", p, q, r.Interface, r.Status.Current)
		}
	}
}

// machineLess orders machine ids numerically ("2" before "10").
func machineLess(a, b string) bool {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return x < y
	}
	return a < b
}
