package juju

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/internal/lazyregexp"
	"github.com/gojuju/juju/rpc"
)

// DeployOptions are the options of Model.Deploy. The zero value deploys
// one unit of the charm, named after the charm, from its default channel,
// on the base the controller (or the charm) prefers.
type DeployOptions struct {
	// Name is the application name; "" means the charm's name.
	Name string
	// Channel is the Charmhub channel ("14/stable", "edge").
	Channel string
	// Revision pins a Charmhub revision; it needs Channel (used for later
	// refreshes).
	Revision *int
	// Base is the base to deploy on, "ubuntu@22.04" (optionally with a
	// risk, "ubuntu@24.04/candidate").
	Base string
	// Series is the legacy name of the base ("jammy"). Juju 4 controllers
	// refuse it (the error matches ErrSeriesNotSupported and names the
	// base to use, and nothing is sent); for Juju 3.6 it is translated to
	// its base and the deprecation is logged once.
	Series string
	// NumUnits is the number of units; 0 means 1 (subordinate charms get
	// none). Negative numbers are refused.
	NumUnits int
	// Config holds charm config values (strings, booleans, integers,
	// floats), sent as strings. For a local charm they are checked
	// against the charm's declared options first.
	Config map[string]any
	// Constraints are the application's constraints; see ParseConstraints
	// for the CLI's language ("mem=4G cores=2").
	Constraints Constraints
	// To places the units, one --to directive per unit (see
	// ParsePlacement).
	To []string
	// Storage maps the charm's storage names to directives in the
	// --storage syntax ("ebs,10G,1"; see ParseStorageDirective).
	Storage map[string]string
	// Bindings maps endpoints to network spaces; the "" key sets the
	// default space of every endpoint not listed.
	Bindings map[string]string
	// Trust gives the application access to the model's cloud
	// credential.
	Trust bool
	// Resources maps the charm's resource names to a Charmhub revision
	// ("3") or a local file to upload.
	Resources map[string]string
	// AttachStorage lists existing storage ("data/0") to attach to the
	// single unit deployed.
	AttachStorage []string
	// Force deploys even if the charm does not declare the chosen base.
	Force bool
}

// charmKind says where a charm comes from.
type charmKind int

const (
	charmHub      charmKind = iota // a Charmhub charm name
	charmPath                      // a local .charm archive or directory
	charmUploaded                  // a local charm already on the controller ("local:foo-1")
)

var validCharmName = lazyregexp.New(`^` + applicationPattern + `$`)

// classifyCharm tells Charmhub names from local paths. A path is anything
// with a path separator, starting with "." or ending with ".charm";
// "./name" deploys a directory called name.
func classifyCharm(s string) (charmKind, string, error) {
	switch {
	case s == "":
		return 0, "", invalid(ErrInvalidArgument, "charm", s, "must not be empty")
	case strings.HasPrefix(s, "local:"):
		return charmUploaded, s, nil
	case strings.HasPrefix(s, "cs:"):
		return 0, "", invalid(ErrInvalidArgument, "charm", s, "the charm store is gone; deploy from Charmhub by name")
	case strings.HasPrefix(s, "ch:"):
		name := strings.TrimPrefix(s, "ch:")
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			name = name[i+1:] // "ch:amd64/postgresql"
		}
		if !validCharmName.MatchString(name) {
			return 0, "", invalid(ErrInvalidName, "charm name", name, "must be lower-case letters and digits in hyphen-separated parts")
		}
		return charmHub, name, nil
	case strings.ContainsRune(s, '/') || strings.ContainsRune(s, filepath.Separator) || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".charm"):
		return charmPath, s, nil
	case !validCharmName.MatchString(s):
		return 0, "", invalid(ErrInvalidName, "charm name", s, `must be lower-case letters and digits in hyphen-separated parts (write a local charm as a path, "./`+s+`")`)
	}
	return charmHub, s, nil
}

// deployPlan is everything Deploy checked before sending anything.
type deployPlan struct {
	kind        charmKind
	charm       string // Charmhub name, path, or local URL
	local       *localCharm
	app         string
	base        Base
	numUnits    int
	config      map[string]string
	cons        Constraints
	placements  []Placement
	storage     map[string]StorageDirective
	bindings    map[string]string
	resources   map[string]string
	uploads     map[string]*resourceUpload // a local charm's resources, read and checked
	attachIDs   []string
	attachTags  []string
	subordinate bool
}

// Deploy deploys a charm and returns its application. charm is a Charmhub
// name ("postgresql", "ch:postgresql"), a local .charm archive or charm
// directory (a path: "./mycharm", "/tmp/foo.charm"), which gojuju uploads
// (zipping a directory itself), or a charm already uploaded
// ("local:foo-0").
//
// Everything in opts is checked before anything is sent: names, base and
// series, unit count, constraints, placement, storage, bindings, and for a
// local charm its config values against the charm's options.
//
// Charmhub charms are deployed with Application.DeployFromRepository (one
// call; the controller resolves the charm); local charms are uploaded over
// HTTP, then deployed with Application.Deploy.
func (m *Model) Deploy(ctx context.Context, charm string, opts *DeployOptions) (*Application, error) {
	if opts == nil {
		opts = &DeployOptions{}
	}
	name := opts.Name
	if name == "" {
		name = charm
	}
	p, err := m.planDeploy(ctx, charm, opts)
	if p != nil && p.app != "" {
		name = p.app
	}
	if err != nil {
		return nil, opError("deploy", name, err)
	}
	err = resolveWrite(ctx, func() error {
		if p.kind == charmHub {
			return m.deployFromRepository(ctx, p, opts)
		}
		return m.deployLocal(ctx, p, opts)
	}, func() (bool, error) {
		ps, err := m.probe(ctx)
		if err != nil {
			return false, err
		}
		as, ok := ps.Applications[p.app]
		if !ok {
			return false, nil
		}
		// The application of that name must run the charm asked for: one
		// that existed before with another charm is not this deploy.
		want := charmName(p.charm)
		if p.local != nil {
			want = p.local.name
		}
		if got := charmName(as.Charm); as.Charm != "" && got != want {
			return false, fmt.Errorf("application %q exists with charm %q, not %q", p.app, got, want)
		}
		return true, nil
	})
	if err != nil {
		return nil, opError("deploy", name, err)
	}
	return m.Application(p.app), nil
}

func (m *Model) planDeploy(ctx context.Context, charm string, opts *DeployOptions) (*deployPlan, error) {
	kind, ref, err := classifyCharm(charm)
	if err != nil {
		return nil, err
	}
	p := &deployPlan{kind: kind, charm: ref, app: opts.Name}
	switch kind {
	case charmHub:
		if p.app == "" {
			p.app = ref
		}
	case charmPath:
		lc, err := readLocalCharm(ref)
		if err != nil {
			return p, err
		}
		p.local = lc
		p.subordinate = lc.subordinate

		if p.app == "" {
			p.app = lc.name
		}
		if opts.Channel != "" || opts.Revision != nil {
			return p, invalid(ErrInvalidArgument, "option", "Channel/Revision", "only for Charmhub charms")
		}
	case charmUploaded:
		if p.app == "" {
			n := strings.TrimPrefix(ref, "local:")
			if i := strings.LastIndexByte(n, '/'); i >= 0 {
				n = n[i+1:]
			}
			if i := strings.LastIndexByte(n, '-'); i > 0 {
				if _, err := strconv.Atoi(n[i+1:]); err == nil {
					n = n[:i]
				}
			}
			p.app = n
		}
	}
	if err := checkApplicationName(p.app); err != nil {
		return p, err
	}
	if opts.NumUnits < 0 {
		return p, invalidf(ErrInvalidArgument, "number of units", strconv.Itoa(opts.NumUnits), "must not be negative")
	}
	p.numUnits = opts.NumUnits
	if p.numUnits == 0 {
		p.numUnits = 1
	}
	if opts.Revision != nil {
		if *opts.Revision < 0 {
			return p, invalidf(ErrInvalidArgument, "revision", strconv.Itoa(*opts.Revision), "must not be negative")
		}
		if opts.Channel == "" {
			return p, invalid(ErrInvalidArgument, "revision", strconv.Itoa(*opts.Revision), "needs a channel too (used by later refreshes)")
		}
	}
	if p.base, err = m.ctrl.chooseBase(ctx, opts.Base, opts.Series); err != nil {
		return p, err
	}
	if p.local != nil && !p.base.IsZero() && !opts.Force {
		// The charm must support the requested base.
		if _, err := chooseCharmBase(p.base, p.local.bases, Base{}); err != nil {
			return p, err
		}
	}
	if err = opts.Constraints.check(); err != nil {
		return p, err
	}
	p.cons = opts.Constraints
	if p.placements, err = parsePlacements(opts.To); err != nil {
		return p, err
	}
	if len(p.placements) > p.numUnits {
		return p, invalidf(ErrInvalidPlacement, "placement", strings.Join(opts.To, ","), "%d directives for %d units", len(p.placements), p.numUnits)
	}
	if len(p.placements) > 0 && m.modelType == ModelCAAS {
		return p, invalid(ErrInvalidPlacement, "placement", strings.Join(opts.To, ","), "Kubernetes models take no placement")
	}
	if p.storage, err = parseStorage(opts.Storage); err != nil {
		return p, err
	}
	for ep, space := range opts.Bindings {
		if ep != "" && !validEndpointName.MatchString(ep) {
			return p, invalid(ErrInvalidEndpoint, "endpoint binding", ep, "not a valid endpoint name")
		}
		if !validSpace.MatchString(space) {
			return p, invalid(ErrInvalidName, "space name", space, "must be lower-case letters and digits in hyphen-separated parts")
		}
	}
	p.bindings = opts.Bindings
	if len(opts.AttachStorage) > 0 && p.numUnits != 1 {
		return p, invalid(ErrInvalidArgument, "attach-storage", strings.Join(opts.AttachStorage, ","), "storage can only be attached to a single unit")
	}
	if p.attachTags, err = storageTags(opts.AttachStorage); err != nil {
		return p, err
	}
	p.attachIDs = opts.AttachStorage
	for name, v := range opts.Resources {
		if err := checkResourceValue(name, v); err != nil {
			return p, err
		}
	}
	p.resources = opts.Resources
	if p.local != nil && p.local.containers && m.modelType != ModelCAAS && m.modelType != "" {
		return p, invalidf(ErrNotSupported, "charm", p.charm, "%q is a Kubernetes charm (it declares containers) but %q is a machine model", p.local.name, m.name)
	}
	if p.kind != charmHub {
		for name, v := range opts.Resources {
			if _, ok := isRevision(v); ok {
				if st, err := os.Stat(v); err != nil || st.IsDir() {
					return p, invalidf(ErrInvalidResource, "resource", name, "a local charm's resources are files to upload, not revisions (%q)", v)
				}
			}
			if p.local != nil {
				lr, ok := p.local.resources[name]
				if !ok {
					return p, invalidf(ErrInvalidResource, "resource", name, "the charm declares no such resource")
				}
				up, err := prepareResource(name, lr.typ, v)
				if err != nil {
					return p, err
				}
				up.path, up.description = lr.path, lr.description
				if p.uploads == nil {
					p.uploads = map[string]*resourceUpload{}
				}
				p.uploads[name] = up
			}
		}
	}
	var options map[string]ConfigOption
	if p.local != nil {
		options = p.local.options
		if options == nil {
			options = map[string]ConfigOption{}
		}
		if p.local.subordinate {
			if len(p.placements) > 0 {
				return p, invalid(ErrInvalidPlacement, "placement", strings.Join(opts.To, ","), "a subordinate charm takes no placement")
			}
			if !p.cons.IsEmpty() {
				return p, invalid(ErrInvalidConstraints, "constraints", opts.Constraints.String(), "a subordinate charm takes no constraints")
			}
		}
	}
	if p.config, err = configStrings(opts.Config, options); err != nil {
		return p, err
	}
	return p, nil
}

// deployFromRepository deploys a Charmhub charm in one call.
func (m *Model) deployFromRepository(ctx context.Context, p *deployPlan, opts *DeployOptions) error {
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	configYAML, err := configYAML(p.app, p.config)
	if err != nil {
		return err
	}
	var channel *string
	if opts.Channel != "" {
		channel = &opts.Channel
	}
	n := p.numUnits
	arg := apiclient.DeployFromRepositoryArg{
		CharmName: p.charm, ApplicationName: p.app, AttachStorage: p.attachIDs, Base: p.base.wire(),
		Channel: channel, ConfigYAML: configYAML, Cons: p.cons.wire(), EndpointBindings: p.bindings,
		Force: opts.Force, NumUnits: &n, Placement: wirePlacements(p.placements, m.uuid),
		Resources: p.resources, Revision: opts.Revision, Trust: opts.Trust,
	}
	if len(p.storage) > 0 {
		arg.Storage = map[string]facades.Directive{}
		for k, d := range p.storage {
			arg.Storage[k] = facades.Directive{Pool: d.Pool, Size: int(d.Size), Count: int(d.Count)}
		}
	}
	res, err := apiclient.NewApplicationClient(conn).DeployFromRepository(ctx, apiclient.DeployFromRepositoryArgs{Args: []apiclient.DeployFromRepositoryArg{arg}})
	if err != nil {
		return err
	}
	if len(res.Results) != 1 {
		return fmt.Errorf("expected 1 result, got %d", len(res.Results))
	}
	r := res.Results[0]
	if err := rpc.BulkError(apiclient.ServerErrors(r.Errors)); err != nil {
		return err
	}
	for _, w := range r.Info.Warnings {
		m.ctrl.logger.WarnContext(ctx, "deploy: "+w, "application", p.app)
	}
	for _, pu := range r.PendingResourceUploads {
		v := p.resources[pu.Name]
		if v == "" {
			v = pu.Filename
		}
		up, err := prepareResource(pu.Name, pu.Type, v)
		if err != nil {
			return fmt.Errorf("application %q was deployed, but its resource could not be uploaded: %w", p.app, err)
		}
		if err := m.uploadResource(ctx, conn, p.app, up, ""); err != nil {
			return err
		}
	}
	return nil
}

// deployLocal uploads a local charm (unless it is already uploaded) and
// deploys it with Application.Deploy, as the juju CLI does.
func (m *Model) deployLocal(ctx context.Context, p *deployPlan, opts *DeployOptions) error {
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	mc := apiclient.NewModelConfigClient(conn)
	// The architecture comes from the constraints (the application's,
	// else the model's); the base from the request, else the model's
	// default base if the charm supports it, else the charm's preference.
	arch := p.cons.Arch
	modelCons, err := mc.GetModelConstraints(ctx)
	if err != nil {
		return err
	}
	if arch == "" {
		arch = modelCons.Constraints.Arch
	}
	cfg, err := mc.ModelGet(ctx)
	if err != nil {
		return err
	}
	var modelDefault Base
	if v, ok := cfg.Config["default-base"].Value.(string); ok && v != "" {
		if b, err := ParseBase(v); err == nil {
			modelDefault = b
		}
	}
	curl := p.charm
	var supported []Base
	if p.local != nil {
		supported = p.local.bases
	}
	base, err := chooseCharmBase(p.base, supported, modelDefault)
	if err != nil && !opts.Force {
		return err
	}
	if err != nil {
		base = p.base
	}
	if p.local != nil {
		curl, err = m.uploadCharm(ctx, conn, p.local)
		if err != nil {
			return err
		}
	}
	info, err := m.charmInfo(ctx, conn, curl)
	if err != nil {
		return err
	}
	numUnits := p.numUnits
	if info.Subordinate {
		numUnits = 0
	}
	if p.local == nil && len(opts.Config) > 0 {
		// A charm uploaded earlier: check the config now that its options
		// are known.
		if p.config, err = configStrings(opts.Config, info.Config); err != nil {
			return err
		}
	}
	config := p.config
	if opts.Trust {
		if config == nil {
			config = map[string]string{}
		}
		config["trust"] = "true"
	}
	origin := &facades.CharmOrigin{Source: "local", Base: base.normalized().wire(), Architecture: arch, Revision: &info.Revision}
	pending, err := m.addPendingResources(ctx, conn, p, curl, *origin)
	if err != nil {
		return err
	}
	deploy := facades.ApplicationDeploy{
		Application: p.app, CharmURL: curl, CharmOrigin: origin, Config: config, Constraints: p.cons.wire(),
		EndpointBindings: p.bindings, Force: opts.Force, NumUnits: numUnits,
		Placement: wirePlacements(p.placements, m.uuid), AttachStorage: p.attachTags, Resources: pending,
	}
	if len(p.storage) > 0 {
		deploy.Storage = map[string]facades.Directive{}
		for k, d := range p.storage {
			deploy.Storage[k] = facades.Directive{Pool: d.Pool, Size: int(d.Size), Count: int(d.Count)}
		}
	}
	// The 3.6 and 4.0 shapes of Application.Deploy are the same on the
	// wire (4.0 only renamed the storage type).
	err = errorResults(apiclient.NewApplicationClient(conn).Deploy(ctx, facades.ApplicationsDeploy{Applications: []facades.ApplicationDeploy{deploy}}))
	return err
}

// addPendingResources registers a local charm's resources to upload as
// pending (Resources.AddPendingResources) and uploads each with its
// pending id; Deploy then names the ids. It returns resource name ->
// pending id.
func (m *Model) addPendingResources(ctx context.Context, conn *apiConn, p *deployPlan, curl string, origin facades.CharmOrigin) (map[string]string, error) {
	// The controller wants every resource of a local charm pending: those
	// not supplied are sent as the juju CLI sends them, origin "store"
	// and revision -1, placeholders awaiting an upload.
	declared := map[string]CharmResource{}
	if p.local != nil {
		for name, lr := range p.local.resources {
			declared[name] = CharmResource{Type: lr.typ, Path: lr.path, Description: lr.description}
		}
	} else {
		// A charm uploaded earlier ("local:foo-0"): its resources are
		// known now.
		info, err := m.charmInfo(ctx, conn, curl)
		if err != nil {
			return nil, err
		}
		declared = info.Resources
		p.uploads = map[string]*resourceUpload{}
		for name, v := range p.resources {
			cr, ok := declared[name]
			if !ok {
				return nil, invalidf(ErrInvalidResource, "resource", name, "the charm declares no such resource")
			}
			up, err := prepareResource(name, cr.Type, v)
			if err != nil {
				return nil, err
			}
			up.path, up.description = cr.Path, cr.Description
			p.uploads[name] = up
		}
	}
	if len(declared) == 0 {
		return nil, nil
	}
	var placeholders []facades.CharmResource
	for _, name := range sortedKeys(declared) {
		if _, ok := p.uploads[name]; ok {
			continue
		}
		cr := declared[name]
		placeholders = append(placeholders, facades.CharmResource{Name: name, Type: cr.Type, Path: cr.Path, Description: cr.Description,
			Origin: "store", Revision: -1, Fingerprint: []byte{}})
	}
	return m.pendingUploads(ctx, conn, p.app, curl, origin, p.uploads, placeholders...)
}

// pendingUploads adds the uploads as pending resources of app for the
// charm curl and uploads their content; it returns name -> pending id.
func (m *Model) pendingUploads(ctx context.Context, conn *apiConn, app, curl string, origin facades.CharmOrigin, uploads map[string]*resourceUpload, others ...facades.CharmResource) (map[string]string, error) {
	names := sortedKeys(uploads)
	args := facades.AddPendingResourcesArgsV2{Entity: facades.Entity{Tag: applicationTag(app)}, URL: curl, CharmOrigin: origin}
	for _, name := range names {
		// As the juju CLI sends them: no fingerprint and no size. The
		// controller takes them from what it stores, which for an OCI
		// image is its own document, not the upload; a declared
		// fingerprint would stick to the resource instead.
		up := uploads[name]
		args.Resources = append(args.Resources, facades.CharmResource{
			Name: name, Type: up.typ, Path: up.path, Description: up.description, Origin: "upload", Fingerprint: []byte{},
		})
	}
	for _, o := range others {
		names = append(names, o.Name)
		args.Resources = append(args.Resources, o)
	}
	res, err := apiclient.NewResourcesClient(conn).AddPendingResources(ctx, args)
	if err != nil {
		return nil, err
	}
	if res.Error != nil {
		return nil, apiclient.ServerError(res.Error)
	}
	if len(res.PendingIds) != len(names) {
		return nil, fmt.Errorf("expected %d pending resource ids, got %d", len(names), len(res.PendingIds))
	}
	out := map[string]string{}
	for i, name := range names {
		if up, ok := uploads[name]; ok {
			if err := m.uploadResource(ctx, conn, app, up, res.PendingIds[i]); err != nil {
				return nil, err
			}
		}
		out[name] = res.PendingIds[i]
	}
	return out, nil
}
