package juju

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gojuju/juju/internal/bundle"
	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/status"
)

// Kinds of bundle refusal, matched with errors.Is through *BundleError.
// Every one also matches ErrInvalidInput.
var (
	// ErrInvalidBundle: YAML that does not parse or is not a bundle, or a
	// field of the wrong type.
	ErrInvalidBundle = bundle.ErrSyntax
	// ErrBundleUnknownApplication: a relation or placement names an
	// application the bundle does not declare.
	ErrBundleUnknownApplication = bundle.ErrUnknownApplication
	// ErrBundleUnknownEndpoint: a relation names an endpoint a local
	// charm does not declare.
	ErrBundleUnknownEndpoint = bundle.ErrUnknownEndpoint
	// ErrBundlePlacement: a "to:" directive that does not parse or names
	// an undeclared machine.
	ErrBundlePlacement = bundle.ErrPlacement
	// ErrBundleCharm: a local charm path that does not exist or a charm
	// that cannot be read.
	ErrBundleCharm = bundle.ErrCharm
	// ErrBundleOverlay: an overlay that removes an application or machine
	// the bundle does not declare.
	ErrBundleOverlay = bundle.ErrOverlay
	// ErrBundleInclude: an include-file:// or include-base64:// value
	// whose file cannot be read.
	ErrBundleInclude = bundle.ErrInclude
)

// BundleError is a bundle refused before anything was sent. It names the
// file and, where there is one, the line.
type BundleError struct {
	File string
	Line int
	// Kind is one of the ErrBundle… errors or ErrInvalidBundle.
	Kind error
	Msg  string
}

func (e *BundleError) Error() string {
	return (&bundle.Error{File: e.File, Line: e.Line, Kind: e.Kind, Msg: e.Msg}).Error()
}

// Unwrap returns the kind and ErrInvalidInput.
func (e *BundleError) Unwrap() []error { return []error{e.Kind, ErrInvalidInput} }

func bundleErr(err error) error {
	var be *bundle.Error
	if errors.As(err, &be) {
		return &BundleError{File: be.File, Line: be.Line, Kind: be.Kind, Msg: be.Msg}
	}
	return err
}

// BundleOptions are the options of Model.DeployBundle and DiffBundle.
type BundleOptions struct {
	// Overlays are overlay files applied in order after the bundle's own
	// overlay documents. Relative paths in an overlay start at its
	// directory.
	Overlays []string
	// DryRun computes the change list and changes nothing.
	DryRun bool
}

// BundleChange is one step of a bundle deployment: Method is Juju's
// ("addCharm", "deploy", "addMachines", "addRelation", "addUnit",
// "expose", "createOffer"), Args refer to earlier changes as "$<ID>", and
// Description is the line the juju CLI prints for it.
type BundleChange struct {
	ID          string
	Method      string
	Args        map[string]any
	Requires    []string
	Description string
}

// BundleResult is what DeployBundle did (or, for a dry run, would do).
type BundleResult struct {
	// Changes is the whole change list, in order.
	Changes []BundleChange
	// Applied lists the IDs of the changes made, in order; for a dry run
	// it is empty.
	Applied []string
}

// BundleDeployError is a bundle deployment that failed part-way. Applied
// lists the changes that were made; Failed is the change that failed, and
// Unknown says that its outcome could not be resolved by reading the
// model (it may or may not have been made). Changes after it were not
// attempted. It unwraps to the failed change's error.
type BundleDeployError struct {
	Applied []BundleChange
	Failed  BundleChange
	Unknown bool
	Err     error
}

func (e *BundleDeployError) Error() string {
	ids := make([]string, len(e.Applied))
	for i, c := range e.Applied {
		ids[i] = c.ID
	}
	state := "failed"
	if e.Unknown {
		state = "has an unknown outcome"
	}
	return fmt.Sprintf("bundle: change %s (%s) %s after %d applied [%s]: %v", e.Failed.ID, e.Failed.Description, state, len(e.Applied), strings.Join(ids, " "), e.Err)
}

func (e *BundleDeployError) Unwrap() error { return e.Err }

// readBundle reads a bundle file and its overlays and checks every local
// charm it names (readable, and every relation endpoint declared).
func readBundle(path string, data []byte, dir string, overlays []string) (*bundle.Bundle, map[string]*localCharm, error) {
	src := bundle.Source{Data: data, File: path, Dir: dir}
	if data == nil {
		b, err := os.ReadFile(path)
		if err != nil && os.IsNotExist(err) && validCharmName.MatchString(strings.TrimPrefix(path, "ch:")) {
			// A Charmhub bundle name: the CLI downloads the bundle from
			// Charmhub itself, which gojuju does not do.
			return nil, nil, invalid(ErrNotSupported, "bundle", path, "deploying a Charmhub bundle by name is not supported; download it and deploy its bundle.yaml")
		}
		if err != nil {
			return nil, nil, &BundleError{File: path, Kind: ErrInvalidBundle, Msg: "cannot read: " + err.Error()}
		}
		src.Data, src.Dir = b, filepath.Dir(path)
	}
	var ovs []bundle.Source
	for _, o := range overlays {
		b, err := os.ReadFile(o)
		if err != nil {
			return nil, nil, &BundleError{File: o, Kind: ErrBundleOverlay, Msg: "cannot read: " + err.Error()}
		}
		ovs = append(ovs, bundle.Source{Data: b, File: o, Dir: filepath.Dir(o)})
	}
	b, err := bundle.Read(src, ovs...)
	if err != nil {
		return nil, nil, bundleErr(err)
	}
	locals := map[string]*localCharm{}
	for _, n := range b.AppNames() {
		a := b.Applications[n]
		if !bundle.IsLocal(a.Charm) {
			continue
		}
		lc, err := readLocalCharm(b.LocalPath(a))
		if err != nil {
			return nil, nil, &BundleError{File: a.File, Line: a.Line, Kind: ErrBundleCharm, Msg: fmt.Sprintf("application %q: %v", n, err)}
		}
		locals[n] = lc
	}
	for _, r := range b.Relations {
		for _, ep := range []string{r.A, r.B} {
			app, e := bundle.SplitEndpoint(ep)
			if lc := locals[app]; lc != nil && e != "" && !lc.endpoints[e] {
				return nil, nil, &BundleError{File: r.File, Line: r.Line, Kind: ErrBundleUnknownEndpoint,
					Msg: fmt.Sprintf("relation %s - %s: charm %q declares no endpoint %q", r.A, r.B, lc.name, e)}
			}
		}
	}
	return b, locals, nil
}

// modelState reads what the change list needs from the model.
func (m *Model) bundleState(ctx context.Context) (*bundle.ModelState, *status.Status, error) {
	st, err := m.fetchStatus(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	ms := &bundle.ModelState{Applications: map[string]bundle.ModelApp{}, Relations: map[string]bool{}}
	for n, a := range st.Applications {
		ms.Applications[n] = bundle.ModelApp{Charm: a.Charm, Units: len(a.Units), Exposed: a.Exposed}
	}
	for _, r := range st.Relations {
		if len(r.Endpoints) != 2 {
			continue
		}
		e1, e2 := r.Endpoints[0], r.Endpoints[1]
		for _, x := range []string{e1.Application, e1.Application + ":" + e1.Name} {
			for _, y := range []string{e2.Application, e2.Application + ":" + e2.Name} {
				ms.Relations[bundle.RelationKey(x, y)] = true
			}
		}
	}
	for id := range st.Machines {
		if n, err := strconv.Atoi(id); err == nil && n >= ms.NextMachine {
			ms.NextMachine = n + 1
		}
	}
	return ms, st, nil
}

func localBaseFunc(locals map[string]*localCharm) func(string) string {
	return func(app string) string {
		if lc := locals[app]; lc != nil && len(lc.bases) > 0 {
			return lc.bases[0].normalized().String()
		}
		return ""
	}
}

// DeployBundle deploys the bundle file at path, with opts.Overlays applied,
// as the juju CLI does: it computes the change list against the model
// (applications and relations already there are left alone, only missing
// units are added) and executes it in order, uploading local charms
// (paths relative to the bundle's directory). With opts.DryRun it only
// returns the change list. Applications (local or Charmhub, with channel,
// revision, base, num_units, to:, options with include-file:// and
// include-base64:// values, constraints, storage, resources, bindings,
// expose, trust, annotations), machines, relations, saas and, in
// overlays, offers and exposed-endpoints are deployed; a bundle without
// num_units for an application deploys no units of it, as the controller
// computes it. A Charmhub bundle name (rather than a file) is refused with
// an error matching ErrNotSupported: the juju CLI downloads such bundles
// from Charmhub itself.
//
// The bundle is checked before anything is sent: YAML that is not a
// bundle, an unknown application in a relation or placement, a placement
// on an undeclared machine, a local charm that does not exist or declares
// no such endpoint, an overlay removing something absent, an include file
// that cannot be read: each is a *BundleError naming the file and line.
// A deployment that fails part-way returns a *BundleDeployError listing
// exactly what was applied.
func (m *Model) DeployBundle(ctx context.Context, path string, opts *BundleOptions) (*BundleResult, error) {
	res, err := m.deployBundle(ctx, path, nil, "", opts)
	return res, opError("deploy bundle", path, err)
}

// DeployBundleData is DeployBundle for a bundle held in memory; relative
// local charm paths start at dir.
func (m *Model) DeployBundleData(ctx context.Context, data []byte, dir string, opts *BundleOptions) (*BundleResult, error) {
	if data == nil {
		data = []byte{}
	}
	res, err := m.deployBundle(ctx, "bundle", data, dir, opts)
	return res, opError("deploy bundle", "bundle", err)
}

// BundleChanges returns the change list of a bundle held in memory as the
// controller computes it (Bundle.GetChangesMapArgs): the controller's own
// check of the bundle. Errors it finds match ErrInvalidBundle.
func (m *Model) BundleChanges(ctx context.Context, data []byte) ([]BundleChange, error) {
	conn, err := m.conn(ctx)
	if err != nil {
		return nil, opError("get bundle changes", "bundle", err)
	}
	r, err := apiclient.NewBundleClient(conn).GetChangesMapArgs(ctx, bundleParams(data))
	if err != nil {
		return nil, opError("get bundle changes", "bundle", err)
	}
	// The real 4.0 controller answers one empty string per change when
	// all is well.
	var msgs []string
	for _, e := range r.Errors {
		if e != "" {
			msgs = append(msgs, e)
		}
	}
	if len(msgs) > 0 {
		return nil, opError("get bundle changes", "bundle", &BundleError{File: "bundle", Kind: ErrInvalidBundle, Msg: strings.Join(msgs, "; ")})
	}
	out := make([]BundleChange, len(r.Changes))
	for i, c := range r.Changes {
		out[i] = BundleChange{ID: c.ID, Method: c.Method, Args: c.Args, Requires: c.Requires}
	}
	return out, nil
}

func (m *Model) deployBundle(ctx context.Context, path string, data []byte, dir string, opts *BundleOptions) (*BundleResult, error) {
	if opts == nil {
		opts = &BundleOptions{}
	}
	b, locals, err := readBundle(path, data, dir, opts.Overlays)
	if err != nil {
		return nil, err
	}
	for _, n := range b.AppNames() {
		if base := b.Applications[n].Base; base != "" {
			if _, err := ParseBase(base); err != nil {
				a := b.Applications[n]
				return nil, &BundleError{File: a.File, Line: a.Line, Kind: ErrInvalidBundle, Msg: fmt.Sprintf("application %q: %v", n, err)}
			}
		}
		if c := b.Applications[n].Constraints; c != "" {
			if _, err := ParseConstraints(c); err != nil {
				a := b.Applications[n]
				return nil, &BundleError{File: a.File, Line: a.Line, Kind: ErrInvalidBundle, Msg: fmt.Sprintf("application %q: %v", n, err)}
			}
		}
	}
	for _, mach := range b.Machines {
		if _, err := ParseConstraints(mach.Constraints); err != nil {
			return nil, &BundleError{File: b.File, Line: mach.Line, Kind: ErrInvalidBundle, Msg: fmt.Sprintf("machine %q: %v", mach.ID, err)}
		}
		if mach.Base != "" {
			if _, err := ParseBase(mach.Base); err != nil {
				return nil, &BundleError{File: b.File, Line: mach.Line, Kind: ErrInvalidBundle, Msg: fmt.Sprintf("machine %q: %v", mach.ID, err)}
			}
		}
	}
	ms, _, err := m.bundleState(ctx)
	if err != nil {
		return nil, err
	}
	changes := bundle.Changes(b, ms, localBaseFunc(locals))
	res := &BundleResult{Changes: make([]BundleChange, len(changes))}
	predicted := map[string]string{}
	for i, c := range changes {
		res.Changes[i] = BundleChange{ID: c.ID, Method: c.Method, Args: c.Args, Requires: c.Requires, Description: c.Description}
		if c.Unit != "" {
			predicted[c.ID] = c.Unit
		}
	}
	if opts.DryRun {
		return res, nil
	}
	x := &bundleExec{m: m, b: b, locals: locals, machines: map[string]string{}, units: map[string]string{}, predicted: predicted}
	var applied []BundleChange
	for _, c := range res.Changes {
		if err := x.apply(ctx, c); err != nil {
			return res, &BundleDeployError{Applied: applied, Failed: c, Unknown: errors.Is(err, ErrOutcomeUnknown), Err: err}
		}
		applied = append(applied, c)
		res.Applied = append(res.Applied, c.ID)
	}
	return res, nil
}

// bundleExec executes a change list, keeping what earlier changes made.
type bundleExec struct {
	m        *Model
	b        *bundle.Bundle
	locals   map[string]*localCharm
	machines map[string]string // addMachines ID -> machine
	units    map[string]string // addUnit ID -> unit
	deployed map[string]string // deploy or consumeOffer ID -> application or SAAS
	// predicted maps addUnit IDs to the unit each should make, which
	// resolves a lost AddUnits reply by reading the model.
	predicted map[string]string
}

// appOf resolves "$deploy-N" (or a plain name) to an application name.
func (x *bundleExec) appOf(s string, _ map[string]any) string {
	if !strings.HasPrefix(s, "$") {
		return s
	}
	return x.deployed[s[1:]]
}

func (x *bundleExec) apply(ctx context.Context, c BundleChange) error {
	m := x.m
	switch c.Method {
	case "addCharm":
		// The charm is uploaded (local) or resolved (Charmhub) by the
		// deploy that follows, as one write.
		return nil
	case "deploy":
		app := c.Args["application"].(string)
		a := x.b.Applications[app]
		charm := a.Charm
		if bundle.IsLocal(charm) {
			charm = x.b.LocalPath(a)
		}
		cons, err := ParseConstraints(a.Constraints)
		if err != nil {
			return err
		}
		dopts := &DeployOptions{Name: app, Channel: a.Channel, Revision: a.Revision, Base: a.Base,
			Config: a.Options, Constraints: cons, Storage: a.Storage, Bindings: a.Bindings,
			Trust: a.Trust, Resources: a.Resources}
		if dopts.Base == "" {
			dopts.Base = x.b.DefaultBase
		}
		if err := x.deploy(ctx, charm, dopts); err != nil {
			return err
		}
		if x.deployed == nil {
			x.deployed = map[string]string{}
		}
		x.deployed[c.ID] = app
		return nil
	case "addMachines":
		o := &AddMachineOptions{}
		if s, ok := c.Args["base"].(string); ok {
			o.Base = s
		}
		if s, ok := c.Args["constraints"].(string); ok {
			cons, err := ParseConstraints(s)
			if err != nil {
				return err
			}
			o.Constraints = cons
		}
		if ct, ok := c.Args["container-type"].(string); ok {
			o.To = ct
			if parent, ok := c.Args["parent-id"].(string); ok {
				mach, err := x.machineOf(ctx, parent)
				if err != nil {
					return err
				}
				o.To = ct + ":" + mach
			}
		}
		ids, err := m.AddMachines(ctx, 1, o)
		if err != nil {
			return err
		}
		x.machines[c.ID] = ids[0]
		return nil
	case "addRelation":
		e1 := x.endpoint(c.Args["endpoint1"].(string))
		e2 := x.endpoint(c.Args["endpoint2"].(string))
		_, err := m.Integrate(ctx, e1, e2, nil)
		return err
	case "addUnit":
		app := x.appOf(c.Args["application"].(string), nil)
		o := &AddUnitsOptions{}
		if to, ok := c.Args["to"].(string); ok {
			mach, err := x.machineOf(ctx, to)
			if err != nil {
				return err
			}
			o.To = []string{mach}
		}
		units, err := m.Application(app).AddUnits(ctx, 1, o)
		if err != nil && errors.Is(err, ErrOutcomeUnknown) && x.predicted[c.ID] != "" {
			// The reply was lost: the unit the change makes is known, so
			// the model says whether it was made.
			if st, serr := m.fetchStatus(ctx, nil); serr == nil {
				if a := st.Applications[app]; a != nil && a.Units[x.predicted[c.ID]] != nil {
					units, err = []string{x.predicted[c.ID]}, nil
				}
			}
		}
		if err != nil {
			return err
		}
		if len(units) > 0 {
			x.units[c.ID] = units[0]
		}
		return nil
	case "expose":
		app := m.Application(x.appOf(c.Args["application"].(string), nil))
		eps, _ := c.Args["exposed-endpoints"].(map[string]bundle.ExposedEndpoint)
		if len(eps) == 0 {
			return app.Expose(ctx, nil)
		}
		for _, ep := range sortedKeys(eps) {
			o := &ExposeOptions{Spaces: eps[ep].Spaces, CIDRs: eps[ep].CIDRs}
			if ep != "" {
				o.Endpoints = []string{ep}
			}
			if err := app.Expose(ctx, o); err != nil {
				return err
			}
		}
		return nil
	case "setAnnotations":
		app := x.appOf(c.Args["id"].(string), nil)
		ann, _ := c.Args["annotations"].(map[string]string)
		conn, err := m.conn(ctx)
		if err != nil {
			return err
		}
		// Setting annotations sets state to the values given: sending
		// it again after a lost reply is applying it once.
		res, err := apiclient.NewAnnotationsClient(conn).Set(ctx, facades.AnnotationsSet{Annotations: []facades.EntityAnnotations{{Entity: "application-" + app, Annotations: ann}}})
		if err != nil {
			return err
		}
		if len(res.Results) > 0 && res.Results[0].Error != nil {
			return res.Results[0].Error
		}
		return nil
	case "consumeOffer":
		name, err := m.Consume(ctx, c.Args["url"].(string), &ConsumeOptions{Alias: c.Args["application-name"].(string)})
		if err != nil {
			return err
		}
		if x.deployed == nil {
			x.deployed = map[string]string{}
		}
		x.deployed[c.ID] = name
		return nil
	case "createOffer":
		app := x.appOf(c.Args["application"].(string), nil)
		eps, _ := c.Args["endpoints"].([]string)
		_, err := m.Offer(ctx, app, eps, &OfferOptions{Name: c.Args["offer-name"].(string)})
		return err
	case "grantOfferAccess":
		url := m.QualifiedName() + "." + c.Args["offer"].(string)
		return m.ctrl.GrantOffer(ctx, c.Args["user"].(string), c.Args["access"].(string), url)
	}
	return fmt.Errorf("bundle change %s: unknown method %q", c.ID, c.Method)
}

func (x *bundleExec) endpoint(s string) string {
	app, ep := bundle.SplitEndpoint(s)
	app = x.appOf(app, nil)
	if ep == "" {
		return app
	}
	return app + ":" + ep
}

// machineOf resolves "$addMachines-N" to the machine it made and
// "$addUnit-N" to the machine of the unit it added.
func (x *bundleExec) machineOf(ctx context.Context, ref string) (string, error) {
	id := strings.TrimPrefix(ref, "$")
	if mach, ok := x.machines[id]; ok {
		return mach, nil
	}
	unit, ok := x.units[id]
	if !ok {
		return "", fmt.Errorf("bundle placement %q refers to no earlier change", ref)
	}
	st, err := x.m.fetchStatus(ctx, nil)
	if err != nil {
		return "", err
	}
	app, _, _ := strings.Cut(unit, "/")
	if a := st.Applications[app]; a != nil {
		if u := a.Units[unit]; u != nil && u.Machine != "" {
			return u.Machine, nil
		}
	}
	return "", fmt.Errorf("unit %s has no machine to place beside", unit)
}

func (x *bundleExec) deploy(ctx context.Context, charm string, opts *DeployOptions) error {
	m := x.m
	p, err := m.planDeploy(ctx, charm, opts)
	if err != nil {
		return err
	}
	// Units come from the addUnit changes.
	p.numUnits = 0
	return resolveWrite(ctx, func() error {
		if p.kind == charmHub {
			return m.deployFromRepository(ctx, p, opts)
		}
		return m.deployLocal(ctx, p, opts)
	}, func() (bool, error) {
		ps, err := m.probe(ctx)
		if err != nil {
			return false, err
		}
		exists, _ := ps.appAlive(p.app)
		return exists, nil
	})
}

func bundleParams(data []byte) facades.BundleChangesParams {
	return facades.BundleChangesParams{YAML: string(data)}
}
