package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	juju "github.com/gojuju/juju"
	"github.com/gojuju/juju/rpc"
	"github.com/gojuju/juju/status"
)

const statusUsage = `usage: gojuju status [-m [controller:]model] [--format tabular|json|yaml] [--relations] [--storage] [--watch DURATION] [APP_OR_UNIT_OR_MACHINE...]

Show the status of a model, as "juju status" does. JSON and YAML use the key
names of "juju status --format=json", so tools that read those read these.

APP_OR_UNIT_OR_MACHINE patterns ("mysql", "mysql/0", "0", "mysql/*")
restrict the output; when they match nothing, status says so on stderr and
exits 1 (without --watch).
`

// ErrNoMatch is returned (wrapped) by "gojuju status PATTERN..." when the
// patterns match nothing in the model.
var ErrNoMatch = errors.New("nothing matches")

// statusFlags are the parsed flags of "gojuju status".
type statusFlags struct {
	model     string
	format    string
	relations bool
	storage   bool
	watch     time.Duration
	patterns  []string
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments, and returns the positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func parseStatusFlags(args []string, stderr io.Writer) (*statusFlags, error) {
	f := &statusFlags{}
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, statusUsage); fs.PrintDefaults() }
	fs.StringVar(&f.model, "m", "", "model to show: [controller:][qualifier/]model (default: the current model)")
	fs.StringVar(&f.model, "model", "", "same as -m")
	fs.StringVar(&f.format, "format", "tabular", "output format: tabular, json or yaml")
	fs.BoolVar(&f.relations, "relations", false, "show the integrations section in tabular output")
	fs.BoolVar(&f.relations, "integrations", false, "same as --relations")
	fs.BoolVar(&f.storage, "storage", false, "show the storage section in tabular output")
	fs.DurationVar(&f.watch, "watch", 0, "show the status again every DURATION until interrupted")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	switch f.format {
	case "tabular", "json", "yaml":
	default:
		return nil, fmt.Errorf("%w: unknown format %q (want tabular, json or yaml)", ErrUsage, f.format)
	}
	if f.watch < 0 {
		return nil, fmt.Errorf("%w: negative --watch interval", ErrUsage)
	}
	f.patterns = pos
	return f, nil
}

// connectModel connects to the model a -m flag names (JUJU_DATA).
func connectModel(ctx context.Context, model string) (*juju.Model, error) {
	m, err := juju.ConnectModel(ctx, juju.Config{Model: model})
	if err != nil {
		if isDialError(err) || errors.Is(err, rpc.ErrBroken) {
			return nil, &exitError{code: exitConnection, err: err}
		}
		return nil, err
	}
	return m, nil
}

// runStatus implements "gojuju status".
func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseStatusFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if f.watch == 0 {
		oneShot()
	}
	m, err := connectModel(ctx, f.model)
	if err != nil {
		return err
	}
	defer m.Close()
	term := isTerminal(stdout)
	for first := true; ; first = false {
		s, err := m.Status(ctx, &status.Options{Patterns: f.patterns, IncludeStorage: f.format != "tabular" || f.storage})
		if err != nil {
			if !first && ctx.Err() != nil {
				return nil // --watch ended by an interrupt
			}
			return err
		}
		if f.watch > 0 && term {
			fmt.Fprint(stdout, clearScreen)
		} else if !first {
			fmt.Fprintln(stdout)
		}
		noMatch := len(f.patterns) > 0 && statusEmpty(s)
		if noMatch && f.watch == 0 {
			return fmt.Errorf("cannot show the status of model %q: %w %s", m.QualifiedName(), ErrNoMatch, strings.Join(f.patterns, " "))
		}
		if err := writeStatus(stdout, stderr, s, f.format, m, status.TableOptions{Relations: f.relations, Storage: f.storage}, len(f.patterns) > 0); err != nil {
			return err
		}
		if noMatch {
			fmt.Fprintf(stderr, "\nNothing in model %q matches %s.\n", m.QualifiedName(), strings.Join(f.patterns, " "))
		}
		if f.watch == 0 {
			return nil
		}
		afterPoll()
		t := time.NewTimer(f.watch)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

const clearScreen = "\x1b[H\x1b[2J"

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// writeStatus writes s in format; filtered says the status was restricted
// by patterns (so an empty one does not mean an empty model).
func writeStatus(stdout, stderr io.Writer, s *status.Status, format string, m *juju.Model, tbl status.TableOptions, filtered bool) error {
	switch format {
	case "json":
		return writeStatusJSON(stdout, s, m.Controller().Name())
	case "yaml":
		doc := statusDocument(s, m.Controller().Name())
		data, err := marshalYAML(doc)
		if err != nil {
			return fmt.Errorf("cannot format status: %w", err)
		}
		_, err = stdout.Write(data)
		return err
	default:
		tbl.Controller = m.Controller().Name()
		if err := s.WriteTable(stdout, &tbl); err != nil {
			return err
		}
		if statusEmpty(s) && len(s.Offers) == 0 && !filtered {
			fmt.Fprintf(stderr, "\nModel %q is empty.\n", m.QualifiedName())
		}
		return nil
	}
}

// marshalYAML encodes v as "juju status --format yaml" lays it out: two
// spaces per level, list items at their key's indentation.
func marshalYAML(v any) ([]byte, error) {
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	enc.CompactSeqIndent()
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// statusEmpty reports whether s has no application, machine or remote
// application.
func statusEmpty(s *status.Status) bool {
	return len(s.Applications) == 0 && len(s.Machines) == 0 && len(s.RemoteApplications) == 0
}

// The JSON/YAML document, with the key names of "juju status --format=json".

type statusDoc struct {
	Model              statusModelDoc            `json:"model" yaml:"model"`
	Machines           map[string]machineDoc     `json:"machines" yaml:"machines"`
	Applications       map[string]applicationDoc `json:"applications" yaml:"applications"`
	ApplicationEndpnts map[string]saasDoc        `json:"application-endpoints,omitempty" yaml:"application-endpoints,omitempty"`
	Offers             map[string]offerDoc       `json:"offers,omitempty" yaml:"offers,omitempty"`
	Storage            *storageDoc               `json:"storage,omitempty" yaml:"storage,omitempty"`
	Controller         controllerDoc             `json:"controller" yaml:"controller"`
}

type statusModelDoc struct {
	Name             string        `json:"name" yaml:"name"`
	Type             string        `json:"type" yaml:"type"`
	Controller       string        `json:"controller" yaml:"controller"`
	Cloud            string        `json:"cloud" yaml:"cloud"`
	Region           string        `json:"region,omitempty" yaml:"region,omitempty"`
	Version          string        `json:"version" yaml:"version"`
	UpgradeAvailable string        `json:"upgrade-available,omitempty" yaml:"upgrade-available,omitempty"`
	ModelStatus      statusInfoDoc `json:"model-status" yaml:"model-status"`
	SLA              string        `json:"sla,omitempty" yaml:"sla,omitempty"` // Juju 3.6's
}

type statusInfoDoc struct {
	Current string `json:"current,omitempty" yaml:"current,omitempty"`
	Message string `json:"message,omitempty" yaml:"message,omitempty"`
	Since   string `json:"since,omitempty" yaml:"since,omitempty"`
	Version string `json:"version,omitempty" yaml:"version,omitempty"`
	Life    string `json:"life,omitempty" yaml:"life,omitempty"`
}

type baseDoc struct {
	Name    string `json:"name" yaml:"name"`
	Channel string `json:"channel" yaml:"channel"`
}

type machineDoc struct {
	JujuStatus         statusInfoDoc              `json:"juju-status" yaml:"juju-status"`
	Hostname           string                     `json:"hostname,omitempty" yaml:"hostname,omitempty"`
	DNSName            string                     `json:"dns-name,omitempty" yaml:"dns-name,omitempty"`
	IPAddresses        []string                   `json:"ip-addresses,omitempty" yaml:"ip-addresses,omitempty"`
	InstanceID         string                     `json:"instance-id,omitempty" yaml:"instance-id,omitempty"`
	DisplayName        string                     `json:"display-name,omitempty" yaml:"display-name,omitempty"`
	MachineStatus      statusInfoDoc              `json:"machine-status" yaml:"machine-status"`
	ModificationStatus statusInfoDoc              `json:"modification-status" yaml:"modification-status,omitempty"` // JSON prints {}, YAML nothing, as juju does
	Base               *baseDoc                   `json:"base,omitempty" yaml:"base,omitempty"`
	NetworkInterfaces  map[string]netInterfaceDoc `json:"network-interfaces,omitempty" yaml:"network-interfaces,omitempty"`
	Containers         map[string]machineDoc      `json:"containers,omitempty" yaml:"containers,omitempty"`
	Constraints        string                     `json:"constraints,omitempty" yaml:"constraints,omitempty"`
	Hardware           string                     `json:"hardware,omitempty" yaml:"hardware,omitempty"`
	LXDProfiles        map[string]struct{}        `json:"lxd-profiles,omitempty" yaml:"lxd-profiles,omitempty"`
}

type netInterfaceDoc struct {
	IPAddresses    []string `json:"ip-addresses" yaml:"ip-addresses"`
	MACAddress     string   `json:"mac-address" yaml:"mac-address"`
	Gateway        string   `json:"gateway,omitempty" yaml:"gateway,omitempty"`
	DNSNameservers []string `json:"dns-nameservers,omitempty" yaml:"dns-nameservers,omitempty"`
	Space          string   `json:"space,omitempty" yaml:"space,omitempty"`
	IsUp           bool     `json:"is-up" yaml:"is-up"`
}

type applicationDoc struct {
	Charm            string                        `json:"charm" yaml:"charm"`
	Base             *baseDoc                      `json:"base,omitempty" yaml:"base,omitempty"`
	CharmOrigin      string                        `json:"charm-origin" yaml:"charm-origin"`
	CharmName        string                        `json:"charm-name" yaml:"charm-name"`
	CharmRev         int                           `json:"charm-rev" yaml:"charm-rev"`
	CharmVersion     string                        `json:"charm-version,omitempty" yaml:"charm-version,omitempty"`
	CharmProfile     string                        `json:"charm-profile,omitempty" yaml:"charm-profile,omitempty"`
	CharmChannel     string                        `json:"charm-channel,omitempty" yaml:"charm-channel,omitempty"`
	CanUpgradeTo     string                        `json:"can-upgrade-to,omitempty" yaml:"can-upgrade-to,omitempty"`
	Scale            int                           `json:"scale,omitempty" yaml:"scale,omitempty"`
	ProviderID       string                        `json:"provider-id,omitempty" yaml:"provider-id,omitempty"`
	Address          string                        `json:"address,omitempty" yaml:"address,omitempty"`
	Exposed          bool                          `json:"exposed" yaml:"exposed"`
	Life             string                        `json:"life,omitempty" yaml:"life,omitempty"`
	ApplicationStats statusInfoDoc                 `json:"application-status" yaml:"application-status"`
	Relations        map[string][]relatedDoc       `json:"relations,omitempty" yaml:"relations,omitempty"`
	SubordinateTo    []string                      `json:"subordinate-to,omitempty" yaml:"subordinate-to,omitempty"`
	Units            map[string]unitDoc            `json:"units,omitempty" yaml:"units,omitempty"`
	Version          string                        `json:"version,omitempty" yaml:"version,omitempty"`
	EndpointBindings map[string]string             `json:"endpoint-bindings,omitempty" yaml:"endpoint-bindings,omitempty"`
	ExposedEndpoints map[string]exposedEndpointDoc `json:"exposed-endpoints,omitempty" yaml:"exposed-endpoints,omitempty"`
}

type relatedDoc struct {
	RelatedApplication string `json:"related-application" yaml:"related-application"`
	Interface          string `json:"interface" yaml:"interface"`
	Scope              string `json:"scope" yaml:"scope"`
}

type exposedEndpointDoc struct {
	ExposeToSpaces []string `json:"expose-to-spaces,omitempty" yaml:"expose-to-spaces,omitempty"`
	ExposeToCIDRs  []string `json:"expose-to-cidrs,omitempty" yaml:"expose-to-cidrs,omitempty"`
}

type unitDoc struct {
	WorkloadStatus statusInfoDoc      `json:"workload-status" yaml:"workload-status"`
	JujuStatus     statusInfoDoc      `json:"juju-status" yaml:"juju-status"`
	Leader         bool               `json:"leader,omitempty" yaml:"leader,omitempty"`
	Machine        string             `json:"machine,omitempty" yaml:"machine,omitempty"`
	OpenedPorts    []string           `json:"open-ports,omitempty" yaml:"open-ports,omitempty"`
	PublicAddress  string             `json:"public-address,omitempty" yaml:"public-address,omitempty"`
	Address        string             `json:"address,omitempty" yaml:"address,omitempty"`
	ProviderID     string             `json:"provider-id,omitempty" yaml:"provider-id,omitempty"`
	Charm          string             `json:"charm,omitempty" yaml:"charm,omitempty"`
	Subordinates   map[string]unitDoc `json:"subordinates,omitempty" yaml:"subordinates,omitempty"`
}

type endpointDoc struct {
	Interface string `json:"interface" yaml:"interface"`
	Role      string `json:"role" yaml:"role"`
}

type saasDoc struct {
	URL               string                 `json:"url" yaml:"url"`
	Endpoints         map[string]endpointDoc `json:"endpoints" yaml:"endpoints"`
	Life              string                 `json:"life,omitempty" yaml:"life,omitempty"`
	ApplicationStatus statusInfoDoc          `json:"application-status" yaml:"application-status"`
	Relations         map[string][]string    `json:"relations,omitempty" yaml:"relations,omitempty"`
}

type offerDoc struct {
	Application          string                 `json:"application" yaml:"application"`
	Charm                string                 `json:"charm,omitempty" yaml:"charm,omitempty"`
	TotalConnectedCount  int                    `json:"total-connected-count" yaml:"total-connected-count"`
	ActiveConnectedCount int                    `json:"active-connected-count" yaml:"active-connected-count"`
	Endpoints            map[string]endpointDoc `json:"endpoints" yaml:"endpoints"`
}

type storageDoc struct {
	Storage     map[string]storageInstanceDoc `json:"storage,omitempty" yaml:"storage,omitempty"`
	Filesystems map[string]filesystemDoc      `json:"filesystems,omitempty" yaml:"filesystems,omitempty"`
	Volumes     map[string]volumeDoc          `json:"volumes,omitempty" yaml:"volumes,omitempty"`
}

type storageInstanceDoc struct {
	Kind        string                 `json:"kind" yaml:"kind"`
	Life        string                 `json:"life,omitempty" yaml:"life,omitempty"`
	Status      statusInfoDoc          `json:"status" yaml:"status"`
	Persistent  bool                   `json:"persistent" yaml:"persistent"`
	Attachments *storageAttachmentsDoc `json:"attachments,omitempty" yaml:"attachments,omitempty"`
}

type storageAttachmentsDoc struct {
	Units map[string]unitStorageAttachmentDoc `json:"units,omitempty" yaml:"units,omitempty"`
}

type unitStorageAttachmentDoc struct {
	Machine  string `json:"machine,omitempty" yaml:"machine,omitempty"`
	Location string `json:"location,omitempty" yaml:"location,omitempty"`
	Life     string `json:"life,omitempty" yaml:"life,omitempty"`
}

type filesystemDoc struct {
	ProviderID  string            `json:"provider-id,omitempty" yaml:"provider-id,omitempty"`
	Volume      string            `json:"volume,omitempty" yaml:"volume,omitempty"`
	Storage     string            `json:"storage,omitempty" yaml:"storage,omitempty"`
	Attachments map[string]string `json:"attachments,omitempty" yaml:"attachments,omitempty"`
	Pool        string            `json:"pool,omitempty" yaml:"pool,omitempty"`
	Size        uint64            `json:"size" yaml:"size"`
	Life        string            `json:"life,omitempty" yaml:"life,omitempty"`
	Status      statusInfoDoc     `json:"status" yaml:"status"`
}

type volumeDoc struct {
	ProviderID  string            `json:"provider-id,omitempty" yaml:"provider-id,omitempty"`
	Storage     string            `json:"storage,omitempty" yaml:"storage,omitempty"`
	Attachments map[string]string `json:"attachments,omitempty" yaml:"attachments,omitempty"`
	Pool        string            `json:"pool,omitempty" yaml:"pool,omitempty"`
	Size        uint64            `json:"size" yaml:"size"`
	Persistent  bool              `json:"persistent" yaml:"persistent"`
	Life        string            `json:"life,omitempty" yaml:"life,omitempty"`
	Status      statusInfoDoc     `json:"status" yaml:"status"`
}

type controllerDoc struct {
	Timestamp string `json:"timestamp" yaml:"timestamp"`
}

// sinceFormat is how juju status formats times.
const sinceFormat = "02 Jan 2006 15:04:05Z07:00"

func infoDoc(st status.Info, withLife bool) statusInfoDoc {
	d := statusInfoDoc{Current: st.Current, Message: st.Message, Version: st.Version}
	if !st.Since.IsZero() {
		d.Since = st.Since.UTC().Format(sinceFormat)
	}
	if withLife {
		d.Life = st.Life
	}
	return d
}

func baseOf(b status.Base) *baseDoc {
	if b.Name == "" {
		return nil
	}
	return &baseDoc{Name: b.Name, Channel: strings.TrimSuffix(b.Channel, "/stable")}
}

// charmAlias is what juju status shows as an application's charm: the
// charm's name for a Charmhub charm ("postgresql"), the whole URL
// otherwise ("local:pg-0").
func charmAlias(a *status.Application) string {
	if charmOrigin(a.Charm) == "charmhub" && a.CharmName != "" {
		return a.CharmName
	}
	return a.Charm
}

func charmOrigin(url string) string {
	switch {
	case strings.HasPrefix(url, "local:"):
		return "local"
	case strings.HasPrefix(url, "ch:"):
		return "charmhub"
	}
	if i := strings.IndexByte(url, ':'); i > 0 {
		return url[:i]
	}
	return ""
}

// statusDocument converts a snapshot to the document juju status prints.
func statusDocument(s *status.Status, controller string) statusDoc {
	doc := statusDoc{
		Model: statusModelDoc{
			Name:             s.Model.Name,
			Type:             s.Model.Type,
			Controller:       controller,
			Cloud:            s.Model.Cloud,
			Region:           s.Model.Region,
			Version:          s.Model.Version,
			UpgradeAvailable: s.Model.AvailableVersion,
			ModelStatus:      infoDoc(s.Model.Status, false),
			SLA:              s.Model.SLA,
		},
		Machines:     map[string]machineDoc{},
		Applications: map[string]applicationDoc{},
	}
	if !s.ControllerTimestamp.IsZero() {
		doc.Controller.Timestamp = s.ControllerTimestamp.UTC().Format("15:04:05Z07:00")
	}
	for id, m := range s.Machines {
		doc.Machines[id] = machineDocument(m)
	}
	related := relatedApplications(s)
	for name, a := range s.Applications {
		ad := applicationDoc{
			Charm:            charmAlias(a),
			Base:             baseOf(a.Base),
			CharmOrigin:      charmOrigin(a.Charm),
			CharmName:        a.CharmName,
			CharmRev:         a.CharmRev,
			CharmVersion:     a.CharmVersion,
			CharmProfile:     a.CharmProfile,
			CharmChannel:     a.CharmChannel,
			CanUpgradeTo:     a.CanUpgradeTo,
			Scale:            a.Scale,
			ProviderID:       a.ProviderID,
			Address:          a.PublicAddress,
			Exposed:          a.Exposed,
			Life:             a.Life,
			ApplicationStats: infoDoc(a.Status, false),
			Relations:        related[name],
			SubordinateTo:    a.SubordinateTo,
			Version:          a.WorkloadVersion,
			EndpointBindings: a.EndpointBindings,
		}
		for ep, e := range a.ExposedEndpoints {
			if ad.ExposedEndpoints == nil {
				ad.ExposedEndpoints = map[string]exposedEndpointDoc{}
			}
			ad.ExposedEndpoints[ep] = exposedEndpointDoc{ExposeToSpaces: e.ToSpaces, ExposeToCIDRs: e.ToCIDRs}
		}
		// Subordinate units are listed under their principals only.
		for un, u := range a.Units {
			if u.Principal != "" {
				continue
			}
			if ad.Units == nil {
				ad.Units = map[string]unitDoc{}
			}
			ad.Units[un] = unitDocument(u)
		}
		doc.Applications[name] = ad
	}
	for name, r := range s.RemoteApplications {
		sd := saasDoc{URL: r.OfferURL, Endpoints: map[string]endpointDoc{}, Life: r.Life,
			ApplicationStatus: infoDoc(r.Status, false), Relations: r.Relations}
		for _, e := range r.Endpoints {
			sd.Endpoints[e.Name] = endpointDoc{Interface: e.Interface, Role: e.Role}
		}
		if doc.ApplicationEndpnts == nil {
			doc.ApplicationEndpnts = map[string]saasDoc{}
		}
		doc.ApplicationEndpnts[name] = sd
	}
	for name, o := range s.Offers {
		od := offerDoc{Application: o.Application, Charm: o.Charm, TotalConnectedCount: o.TotalConnected,
			ActiveConnectedCount: o.ActiveConnected, Endpoints: map[string]endpointDoc{}}
		for alias, e := range o.Endpoints {
			od.Endpoints[alias] = endpointDoc{Interface: e.Interface, Role: e.Role}
		}
		if doc.Offers == nil {
			doc.Offers = map[string]offerDoc{}
		}
		doc.Offers[name] = od
	}
	doc.Storage = storageDocument(s)
	return doc
}

func machineDocument(m *status.Machine) machineDoc {
	md := machineDoc{
		JujuStatus:         infoDoc(m.AgentStatus, true),
		Hostname:           m.Hostname,
		DNSName:            m.DNSName,
		IPAddresses:        m.IPAddresses,
		InstanceID:         m.InstanceID,
		DisplayName:        m.DisplayName,
		MachineStatus:      infoDoc(m.InstanceStatus, true),
		ModificationStatus: infoDoc(m.ModificationStatus, true),
		Base:               baseOf(m.Base),
		Hardware:           m.Hardware,
		Constraints:        m.Constraints,
	}
	for name, n := range m.NetworkInterfaces {
		if md.NetworkInterfaces == nil {
			md.NetworkInterfaces = map[string]netInterfaceDoc{}
		}
		md.NetworkInterfaces[name] = netInterfaceDoc{IPAddresses: n.IPAddresses, MACAddress: n.MACAddress,
			Gateway: n.Gateway, DNSNameservers: n.DNSNameservers, Space: n.Space, IsUp: n.IsUp}
	}
	for id, c := range m.Containers {
		if md.Containers == nil {
			md.Containers = map[string]machineDoc{}
		}
		md.Containers[id] = machineDocument(c)
	}
	for _, p := range m.LXDProfiles {
		if md.LXDProfiles == nil {
			md.LXDProfiles = map[string]struct{}{}
		}
		md.LXDProfiles[p] = struct{}{}
	}
	return md
}

func unitDocument(u *status.Unit) unitDoc {
	ud := unitDoc{
		WorkloadStatus: infoDoc(u.WorkloadStatus, false),
		JujuStatus:     infoDoc(u.AgentStatus, false),
		Leader:         u.Leader,
		Machine:        u.Machine,
		OpenedPorts:    u.OpenedPorts,
		PublicAddress:  u.PublicAddress,
		Address:        u.Address,
		ProviderID:     u.ProviderID,
		Charm:          u.Charm,
	}
	for name, sub := range u.Subordinates {
		if ud.Subordinates == nil {
			ud.Subordinates = map[string]unitDoc{}
		}
		ud.Subordinates[name] = unitDocument(sub)
	}
	return ud
}

// relatedApplications builds each application's "relations" entry from the
// snapshot's relations: endpoint -> related applications.
func relatedApplications(s *status.Status) map[string]map[string][]relatedDoc {
	out := map[string]map[string][]relatedDoc{}
	add := func(app, ep string, d relatedDoc) {
		if out[app] == nil {
			out[app] = map[string][]relatedDoc{}
		}
		out[app][ep] = append(out[app][ep], d)
	}
	for _, r := range s.Relations {
		if len(r.Endpoints) == 1 {
			e := r.Endpoints[0]
			add(e.Application, e.Name, relatedDoc{RelatedApplication: e.Application, Interface: r.Interface, Scope: r.Scope})
			continue
		}
		for i, e := range r.Endpoints {
			for j, other := range r.Endpoints {
				if i != j {
					add(e.Application, e.Name, relatedDoc{RelatedApplication: other.Application, Interface: r.Interface, Scope: r.Scope})
				}
			}
		}
	}
	for _, eps := range out {
		for ep := range eps {
			slices.SortFunc(eps[ep], func(a, b relatedDoc) int { return strings.Compare(a.RelatedApplication, b.RelatedApplication) })
		}
	}
	return out
}

func storageDocument(s *status.Status) *storageDoc {
	d := &storageDoc{}
	for _, st := range s.Storage {
		if d.Storage == nil {
			d.Storage = map[string]storageInstanceDoc{}
		}
		sd := storageInstanceDoc{Kind: st.Kind, Life: st.Life, Status: infoDoc(st.Status, false), Persistent: st.Persistent}
		for unit, a := range st.Attachments {
			if sd.Attachments == nil {
				sd.Attachments = &storageAttachmentsDoc{Units: map[string]unitStorageAttachmentDoc{}}
			}
			sd.Attachments.Units[unit] = unitStorageAttachmentDoc{Machine: a.Machine, Location: a.Location, Life: a.Life}
		}
		d.Storage[st.ID] = sd
	}
	for _, f := range s.Filesystems {
		if d.Filesystems == nil {
			d.Filesystems = map[string]filesystemDoc{}
		}
		fd := filesystemDoc{ProviderID: f.ProviderID, Volume: f.VolumeID, Storage: f.Storage, Pool: f.Pool,
			Size: f.SizeMiB, Life: f.Life, Status: infoDoc(f.Status, false)}
		for k, v := range f.MachineAttachments {
			if fd.Attachments == nil {
				fd.Attachments = map[string]string{}
			}
			fd.Attachments[k] = v
		}
		d.Filesystems[f.ID] = fd
	}
	for _, v := range s.Volumes {
		if d.Volumes == nil {
			d.Volumes = map[string]volumeDoc{}
		}
		vd := volumeDoc{ProviderID: v.ProviderID, Storage: v.Storage, Pool: v.Pool, Size: v.SizeMiB,
			Persistent: v.Persistent, Life: v.Life, Status: infoDoc(v.Status, false)}
		for k, dev := range v.MachineAttachments {
			if vd.Attachments == nil {
				vd.Attachments = map[string]string{}
			}
			vd.Attachments[k] = dev
		}
		d.Volumes[v.ID] = vd
	}
	return d
}
