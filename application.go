package juju

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
	"github.com/gojuju/juju/rpc"
)

// Application is a handle on one application of a model. Getting one sends
// nothing; every method checks the name before sending anything. It is
// safe for concurrent use.
type Application struct {
	m    *Model
	name string
}

// Application returns a handle on the application called name. The name
// is checked (and the application looked up) when a method is called.
func (m *Model) Application(name string) *Application {
	return &Application{m: m, name: name}
}

// Name returns the application's name.
func (a *Application) Name() string { return a.name }

// Model returns the model the application belongs to.
func (a *Application) Model() *Model { return a.m }

// ApplicationInfo describes an application.
type ApplicationInfo struct {
	Name             string                  // the application name
	Charm            string                  // charm name ("postgresql")
	CharmURL         string                  // "ch:amd64/postgresql-468", "local:foo-0"
	Revision         int                     // charm revision
	Channel          string                  // Charmhub channel ("14/stable"), "" for local charms
	Base             Base                    // the base the application runs on
	Constraints      Constraints             // the application's constraints
	Exposed          bool                    // whether any endpoint is exposed
	ExposedEndpoints map[string]ExposeTarget // exposed endpoints ("" = all) and to whom
	EndpointBindings map[string]string       // endpoint -> space ("" = default space)
	Life             string                  // "alive", "dying", "dead"
	Principal        bool                    // false for subordinates
}

// ExposeTarget says to whom an endpoint is exposed: the spaces and CIDRs
// that may reach it. An empty ExposeTarget means everyone (0.0.0.0/0 and
// ::/0).
type ExposeTarget struct {
	Spaces []string // network spaces that may reach the endpoint
	CIDRs  []string // address ranges that may reach the endpoint
}

// Info returns the application's details.
func (a *Application) Info(ctx context.Context) (*ApplicationInfo, error) {
	info, err := a.info(ctx)
	return info, opError("get info of application", a.name, err)
}

func (a *Application) info(ctx context.Context) (*ApplicationInfo, error) {
	if err := checkApplicationName(a.name); err != nil {
		return nil, err
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return nil, err
	}
	as, err := a.m.appStatus(ctx, conn, a.name)
	if err != nil {
		return nil, err
	}
	cons, err := a.constraints(ctx)
	if err != nil {
		return nil, err
	}
	info := &ApplicationInfo{Name: a.name, Charm: charmNameFromURL(as.Charm), CharmURL: as.Charm, Revision: as.CharmRev,
		Channel: as.CharmChannel, Base: baseFromWire(&as.Base), Constraints: cons, Exposed: as.Exposed,
		EndpointBindings: as.EndpointBindings, Life: as.Life, Principal: len(as.SubordinateTo) == 0}
	if info.Life == "" {
		info.Life = "alive"
	}
	if len(as.ExposedEndpoints) > 0 {
		info.ExposedEndpoints = map[string]ExposeTarget{}
		for ep, t := range as.ExposedEndpoints {
			info.ExposedEndpoints[ep] = ExposeTarget{Spaces: t.ExposeToSpaces, CIDRs: t.ExposeToCidrs}
		}
	}
	return info, nil
}

// appStatus returns an application's entry of Client.FullStatus; a
// missing application is ErrNotFound.
func (m *Model) appStatus(ctx context.Context, conn *apiConn, app string) (*apiclient.ApplicationStatus, error) {
	fs, err := apiclient.NewClientClient(conn).FullStatus(ctx, facades.StatusParams{Patterns: []string{app}})
	if err != nil {
		return nil, err
	}
	as, ok := fs.Applications[app]
	if !ok {
		return nil, notFoundf("application %q not found", app)
	}
	return &as, nil
}

// AddUnitsOptions are the options of Application.AddUnits.
type AddUnitsOptions struct {
	// To places the new units, one directive per unit in the --to syntax
	// (see ParsePlacement); units beyond the list go to new machines.
	// Machine models only.
	To []string
	// AttachStorage lists existing storage ("data/0") to attach to the
	// new unit; only with one unit.
	AttachStorage []string
}

// AddUnits adds n units to the application. On a machine model it calls
// Application.AddUnits and returns the new units' names; on a Kubernetes
// model it scales the application up by n (Application.ScaleApplications)
// and returns nil, since Kubernetes names the units.
func (a *Application) AddUnits(ctx context.Context, n int, opts *AddUnitsOptions) ([]string, error) {
	units, err := a.addUnits(ctx, n, opts)
	return units, opError("add unit to", a.name, err)
}

func (a *Application) addUnits(ctx context.Context, n int, opts *AddUnitsOptions) ([]string, error) {
	if opts == nil {
		opts = &AddUnitsOptions{}
	}
	if err := checkApplicationName(a.name); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, invalidf(ErrInvalidArgument, "number of units", strconv.Itoa(n), "must be at least 1")
	}
	placements, err := parsePlacements(opts.To)
	if err != nil {
		return nil, err
	}
	if len(placements) > n {
		return nil, invalidf(ErrInvalidPlacement, "placement", fmt.Sprint(opts.To), "%d directives for %d units", len(placements), n)
	}
	if len(opts.AttachStorage) > 0 && n != 1 {
		return nil, invalid(ErrInvalidArgument, "attach-storage", fmt.Sprint(opts.AttachStorage), "storage can only be attached to one new unit")
	}
	storageTags, err := storageTags(opts.AttachStorage)
	if err != nil {
		return nil, err
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return nil, err
	}
	app := apiclient.NewApplicationClient(conn)
	if a.m.modelType == ModelCAAS {
		if len(placements) > 0 {
			return nil, invalid(ErrInvalidPlacement, "placement", fmt.Sprint(opts.To), "Kubernetes models take no placement")
		}
		if err := a.scale(ctx, conn, 0, n, storageTags); err != nil {
			return nil, err
		}
		return nil, nil
	}
	res, err := app.AddUnits(ctx, facades.AddApplicationUnits{
		Application: a.name, NumUnits: n, Placement: wirePlacements(placements, a.m.uuid), AttachStorage: storageTags,
	})
	if err != nil {
		return nil, err
	}
	return res.Units, nil
}

// storageTags turns storage IDs ("data/0") into tags ("storage-data-0").
func storageTags(ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		if !validStorageID.MatchString(id) {
			return nil, invalid(ErrInvalidName, "storage id", id, `must be "<name>/<number>", such as "data/0"`)
		}
		out = append(out, "storage-"+replaceSlash(id))
	}
	return out, nil
}

func replaceSlash(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == '/' {
			b[i] = '-'
		}
	}
	return string(b)
}

// scale calls ScaleApplications with either a target scale or a change.
func (a *Application) scale(ctx context.Context, conn *apiConn, scale, change int, attach []string) error {
	res, err := apiclient.NewApplicationClient(conn).ScaleApplications(ctx, facades.ScaleApplicationsParamsV2{
		Applications: []facades.ScaleApplicationParamsV2{{ApplicationTag: applicationTag(a.name), Scale: scale, ScaleChange: change, AttachStorage: attach}},
	})
	if err != nil {
		return err
	}
	for _, r := range res.Results {
		if r.Error != nil {
			return apiclient.ServerError(r.Error)
		}
	}
	return nil
}

// Scale sets the application's number of units to n. On a Kubernetes model
// it calls Application.ScaleApplications; on a machine model it adds units
// (on new machines) or removes the highest-numbered units to reach n.
func (a *Application) Scale(ctx context.Context, n int) error {
	return opError("scale", a.name, a.scaleTo(ctx, n))
}

func (a *Application) scaleTo(ctx context.Context, n int) error {
	if err := checkApplicationName(a.name); err != nil {
		return err
	}
	if n < 0 {
		return invalidf(ErrInvalidArgument, "scale", strconv.Itoa(n), "must not be negative")
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return err
	}
	if a.m.modelType == ModelCAAS {
		if err := a.scale(ctx, conn, n, 0, nil); err != nil {
			return err
		}
		return nil
	}
	units, err := a.m.unitsOf(ctx, conn, a.name)
	if err != nil {
		return err
	}
	switch {
	case n > len(units):
		_, err := a.addUnits(ctx, n-len(units), nil)
		return err
	case n < len(units):
		return a.m.removeUnits(ctx, units[n:], nil)
	}
	return nil
}

// unitsOf returns the application's units, ordered by number
// (Client.FullStatus restricted to the application). A missing application
// is ErrNotFound.
func (m *Model) unitsOf(ctx context.Context, conn *apiConn, app string) ([]string, error) {
	as, err := m.appStatus(ctx, conn, app)
	if err != nil {
		return nil, err
	}
	units := slices.Collect(maps.Keys(as.Units))
	sort.Slice(units, func(i, j int) bool { return unitNumber(units[i]) < unitNumber(units[j]) })
	return units, nil
}

// RemoveOptions are the options of removing applications, units and
// machines. The zero value removes without force, keeps (detaches)
// storage and does not wait.
type RemoveOptions struct {
	// DestroyStorage destroys the storage of the removed entities instead
	// of detaching it.
	DestroyStorage bool
	// Force removes even if hooks fail or agents do not answer.
	Force bool
	// MaxWait, with Force, is how long to wait for a normal removal
	// before forcing it; nil means the controller's default, 0 means no
	// wait.
	MaxWait *time.Duration
	// Wait returns only once the entities are gone from the model (or ctx
	// ends).
	Wait bool
}

func (o *RemoveOptions) check() error {
	if o.MaxWait != nil && !o.Force {
		return invalid(ErrInvalidArgument, "option", "MaxWait", "needs Force")
	}
	if o.MaxWait != nil && *o.MaxWait < 0 {
		return invalid(ErrInvalidArgument, "option", "MaxWait", "must not be negative")
	}
	return nil
}

// Remove removes the application and its units
// (Application.DestroyApplication). With opts.Wait it returns once the
// application is gone.
func (a *Application) Remove(ctx context.Context, opts *RemoveOptions) error {
	return opError("remove application", a.name, a.remove(ctx, opts))
}

func (a *Application) remove(ctx context.Context, opts *RemoveOptions) error {
	if opts == nil {
		opts = &RemoveOptions{}
	}
	if err := checkApplicationName(a.name); err != nil {
		return err
	}
	if err := opts.check(); err != nil {
		return err
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return err
	}
	err = resolveWrite(ctx, func() error {
		res, err := apiclient.NewApplicationClient(conn).DestroyApplication(ctx, facades.DestroyApplicationsParams{
			Applications: []facades.DestroyApplicationParams{{ApplicationTag: applicationTag(a.name),
				DestroyStorage: opts.DestroyStorage, Force: opts.Force, MaxWait: opts.MaxWait}},
		})
		if err != nil {
			return err
		}
		for _, r := range res.Results {
			if r.Error != nil {
				return apiclient.ServerError(r.Error)
			}
		}
		return nil
	}, func() (bool, error) {
		ps, err := a.m.probe(ctx)
		if err != nil {
			return false, err
		}
		_, alive := ps.appAlive(a.name)
		return !alive, nil
	})
	if err != nil {
		return err
	}
	if !opts.Wait {
		return nil
	}
	return pollUntil(ctx, func() (bool, error) {
		_, err := a.m.appStatus(ctx, conn, a.name)
		if isNotFound(err) {
			return true, nil
		}
		return false, err
	})
}

// pollUntil calls done with growing pauses until it returns true or an
// error, or ctx ends.
func pollUntil(ctx context.Context, done func() (bool, error)) error {
	delay := 20 * time.Millisecond
	for {
		ok, err := done()
		if err != nil || ok {
			return err
		}
		if err := sleepCtx(ctx, delay); err != nil {
			return fmt.Errorf("still there: %w", err)
		}
		delay = min(delay*2, time.Second)
	}
}

// RemoveUnits removes units ("pg/1") of any applications
// (Application.DestroyUnit). On a Kubernetes model, where units cannot be
// removed by name, it is refused: use Application.Scale. With opts.Wait it
// returns once the units are gone.
func (m *Model) RemoveUnits(ctx context.Context, units []string, opts *RemoveOptions) error {
	entity := ""
	if len(units) == 1 {
		entity = units[0]
	}
	op := "remove unit"
	if len(units) > 1 {
		op = "remove units " + quoteList(units)
	}
	return opError(op, entity, m.removeUnits(ctx, units, opts))
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return joinComma(q)
}

func joinComma(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

func (m *Model) removeUnits(ctx context.Context, units []string, opts *RemoveOptions) error {
	if opts == nil {
		opts = &RemoveOptions{}
	}
	if len(units) == 0 {
		return invalid(ErrInvalidArgument, "units", "", "none given")
	}
	for _, u := range units {
		if err := checkUnitName(u); err != nil {
			return err
		}
	}
	if err := opts.check(); err != nil {
		return err
	}
	if m.modelType == ModelCAAS {
		return fmt.Errorf("units of a Kubernetes model cannot be removed by name; scale the application instead: %w", ErrNotSupported)
	}
	conn, err := m.conn(ctx)
	if err != nil {
		return err
	}
	params := facades.DestroyUnitsParams{}
	for _, u := range units {
		params.Units = append(params.Units, facades.DestroyUnitParams{UnitTag: unitTag(u), DestroyStorage: opts.DestroyStorage, Force: opts.Force, MaxWait: opts.MaxWait})
	}
	err = resolveWrite(ctx, func() error {
		res, err := apiclient.NewApplicationClient(conn).DestroyUnit(ctx, params)
		if err != nil {
			return err
		}
		errs := make([]*rpc.Error, len(res.Results))
		for i, r := range res.Results {
			errs[i] = apiclient.ServerError(r.Error)
		}
		return rpc.BulkError(errs)
	}, func() (bool, error) {
		ps, err := m.probe(ctx)
		if err != nil {
			return false, err
		}
		for _, u := range units {
			if ps.unitAlive(u) {
				return false, nil
			}
		}
		return true, nil
	})
	apps := map[string]bool{}
	for _, u := range units {
		apps[unitApplication(u)] = true
	}
	if err != nil {
		return err
	}
	if !opts.Wait {
		return nil
	}
	return pollUntil(ctx, func() (bool, error) {
		fs, err := apiclient.NewClientClient(conn).FullStatus(ctx, facades.StatusParams{Patterns: units})
		if err != nil {
			return false, err
		}
		for _, u := range units {
			if unitInStatus(fs, u) {
				return false, nil
			}
		}
		return true, nil
	})
}

// unitInStatus reports whether a unit (principal or subordinate) is listed.
func unitInStatus(fs apiclient.FullStatus, unit string) bool {
	for _, as := range fs.Applications {
		for name, us := range as.Units {
			if name == unit {
				return true
			}
			if _, ok := us.Subordinates[unit]; ok {
				return true
			}
		}
	}
	return false
}

// Config returns the application's config: the charm's options (with
// value, default, type, description and source) and the application
// settings such as "trust" (Application.Get).
func (a *Application) Config(ctx context.Context) (map[string]ConfigValue, error) {
	cfg, err := a.config(ctx)
	return cfg, opError("get config of application", a.name, err)
}

func (a *Application) get(ctx context.Context) (*facades.ApplicationGetResults, error) {
	if err := checkApplicationName(a.name); err != nil {
		return nil, err
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return nil, err
	}
	res, err := apiclient.NewApplicationClient(conn).Get(ctx, facades.ApplicationGet{Application: a.name})
	if err != nil {
		return nil, err
	}
	return &res, nil
}

func (a *Application) config(ctx context.Context) (map[string]ConfigValue, error) {
	res, err := a.get(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]ConfigValue{}
	for k, v := range res.ApplicationConfig {
		out[k] = configValueFromWire(v)
	}
	for k, v := range res.Config {
		out[k] = configValueFromWire(v)
	}
	return out, nil
}

// configValueFromWire decodes one entry of Application.Get's config:
// {"value","default","description","type","source"}.
func configValueFromWire(v any) ConfigValue {
	m, ok := v.(map[string]any)
	if !ok {
		return ConfigValue{Value: v}
	}
	cv := ConfigValue{Value: m["value"], Default: m["default"]}
	cv.Type, _ = m["type"].(string)
	cv.Source, _ = m["source"].(string)
	cv.Description, _ = m["description"].(string)
	if cv.Type == "bool" {
		cv.Type = OptionBoolean
	}
	return cv
}

// applicationSettings are the settings every application has besides its
// charm's options.
var applicationSettings = map[string]ConfigOption{
	"trust": {Type: OptionBoolean, Description: "Does this application have access to trusted credentials", Default: false},
}

// SetConfig sets config values (Application.SetConfigs). Values may be
// strings, booleans, integers or floats; each is checked against the type
// the charm declares for the option (fetched first with Application.Get),
// converted to a string and sent as such. "trust" is accepted too.
func (a *Application) SetConfig(ctx context.Context, settings map[string]any) error {
	return opError("set config of application", a.name, a.setConfig(ctx, settings))
}

func (a *Application) setConfig(ctx context.Context, settings map[string]any) error {
	if err := checkApplicationName(a.name); err != nil {
		return err
	}
	if len(settings) == 0 {
		return nil
	}
	for k := range settings {
		if k == "" {
			return invalid(ErrInvalidConfig, "config key", k, "must not be empty")
		}
	}
	res, err := a.get(ctx)
	if err != nil {
		return err
	}
	options := maps.Clone(applicationSettings)
	for k, v := range res.Config {
		cv := configValueFromWire(v)
		options[k] = ConfigOption{Type: cv.Type, Description: cv.Description, Default: cv.Default}
	}
	values, err := configStrings(settings, options)
	if err != nil {
		return err
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return err
	}
	err = errorResults(apiclient.NewApplicationClient(conn).SetConfigs(ctx, facades.ConfigSetArgs{
		Args: []facades.ConfigSet{{Application: a.name, Config: values}},
	}))
	if err != nil {
		return err
	}
	return nil
}

// UnsetConfig resets config options to their defaults
// (Application.UnsetApplicationsConfig).
func (a *Application) UnsetConfig(ctx context.Context, keys ...string) error {
	return opError("unset config of application", a.name, a.unsetConfig(ctx, keys))
}

func (a *Application) unsetConfig(ctx context.Context, keys []string) error {
	if err := checkApplicationName(a.name); err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	for _, k := range keys {
		if k == "" {
			return invalid(ErrInvalidConfig, "config key", k, "must not be empty")
		}
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return err
	}
	err = errorResults(apiclient.NewApplicationClient(conn).UnsetApplicationsConfig(ctx, facades.ApplicationConfigUnsetArgs{
		Args: []facades.ApplicationUnset{{Application: a.name, Options: slices.Clone(keys)}},
	}))
	if err != nil {
		return err
	}
	return nil
}

// SetTrust grants (true) or revokes (false) the application's access to
// the cloud credential ("juju trust"). On a Kubernetes model that access
// is to the cluster itself: SetTrust(ctx, true) there is what "juju trust
// --scope=cluster" does (the juju CLI wants the scope named to confirm
// it; the controller gets the same trust=true either way).
func (a *Application) SetTrust(ctx context.Context, trust bool) error {
	return opError("set trust of application", a.name, a.setConfig(ctx, map[string]any{"trust": trust}))
}

// Constraints returns the application's constraints
// (Application.GetConstraints).
func (a *Application) Constraints(ctx context.Context) (Constraints, error) {
	c, err := a.constraints(ctx)
	return c, opError("get constraints of application", a.name, err)
}

func (a *Application) constraints(ctx context.Context) (Constraints, error) {
	if err := checkApplicationName(a.name); err != nil {
		return Constraints{}, err
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return Constraints{}, err
	}
	res, err := apiclient.NewApplicationClient(conn).GetConstraints(ctx, facades.Entities{Entities: []facades.Entity{{Tag: applicationTag(a.name)}}})
	if err != nil {
		return Constraints{}, err
	}
	if len(res.Results) != 1 {
		return Constraints{}, fmt.Errorf("expected 1 result, got %d", len(res.Results))
	}
	if res.Results[0].Error != nil {
		return Constraints{}, apiclient.ServerError(res.Results[0].Error)
	}
	return constraintsFromWire(res.Results[0].Constraints), nil
}

// SetConstraints replaces the application's constraints with cons
// (Application.SetConstraints); zero Constraints clear them. To set them
// from the CLI's language, see ParseConstraints.
func (a *Application) SetConstraints(ctx context.Context, cons Constraints) error {
	return opError("set constraints of application", a.name, a.setConstraints(ctx, cons))
}

func (a *Application) setConstraints(ctx context.Context, c Constraints) error {
	if err := checkApplicationName(a.name); err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return err
	}
	if err := apiclient.NewApplicationClient(conn).SetConstraints(ctx, facades.SetConstraints{Application: a.name, Constraints: c.wire()}); err != nil {
		return err
	}
	return nil
}

// ExposeOptions are the options of Application.Expose. The zero value
// exposes every endpoint to everyone (0.0.0.0/0 and ::/0).
type ExposeOptions struct {
	// Endpoints limits the exposure to these endpoints; none means all.
	Endpoints []string
	// Spaces are the network spaces allowed to reach the endpoints.
	Spaces []string
	// CIDRs are the address ranges allowed to reach the endpoints.
	CIDRs []string
}

// Expose opens the application's endpoints to the spaces and CIDRs opts
// names (Application.Expose).
func (a *Application) Expose(ctx context.Context, opts *ExposeOptions) error {
	return opError("expose", a.name, a.expose(ctx, opts))
}

func (a *Application) expose(ctx context.Context, opts *ExposeOptions) error {
	if opts == nil {
		opts = &ExposeOptions{}
	}
	if err := checkApplicationName(a.name); err != nil {
		return err
	}
	for _, ep := range opts.Endpoints {
		if !validEndpointName.MatchString(ep) {
			return invalid(ErrInvalidEndpoint, "endpoint", ep, "not a valid endpoint name")
		}
	}
	for _, sp := range opts.Spaces {
		if !validSpace.MatchString(sp) {
			return invalid(ErrInvalidName, "space name", sp, "must be lower-case letters and digits in hyphen-separated parts")
		}
	}
	for _, c := range opts.CIDRs {
		if err := checkCIDR(c); err != nil {
			return err
		}
	}
	target := facades.ExposedEndpoint{ExposeToSpaces: slices.Clone(opts.Spaces), ExposeToCidrs: slices.Clone(opts.CIDRs)}
	eps := map[string]facades.ExposedEndpoint{}
	if len(opts.Endpoints) == 0 {
		eps[""] = target
	}
	for _, ep := range opts.Endpoints {
		eps[ep] = target
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return err
	}
	if err := apiclient.NewApplicationClient(conn).Expose(ctx, facades.ApplicationExpose{Application: a.name, ExposedEndpoints: eps}); err != nil {
		return err
	}
	return nil
}

// Unexpose closes the given endpoints, or every endpoint when none is
// given (Application.Unexpose).
func (a *Application) Unexpose(ctx context.Context, endpoints ...string) error {
	return opError("unexpose", a.name, a.unexpose(ctx, endpoints))
}

func (a *Application) unexpose(ctx context.Context, endpoints []string) error {
	if err := checkApplicationName(a.name); err != nil {
		return err
	}
	for _, ep := range endpoints {
		if !validEndpointName.MatchString(ep) {
			return invalid(ErrInvalidEndpoint, "endpoint", ep, "not a valid endpoint name")
		}
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return err
	}
	eps := slices.Clone(endpoints)
	if eps == nil {
		eps = []string{}
	}
	if err := apiclient.NewApplicationClient(conn).Unexpose(ctx, facades.ApplicationUnexpose{Application: a.name, ExposedEndpoints: eps}); err != nil {
		return err
	}
	return nil
}

// Leader returns the name of the application's leader unit ("pg/0";
// Application.Leader).
func (a *Application) Leader(ctx context.Context) (string, error) {
	l, err := a.leader(ctx)
	return l, opError("get leader of", a.name, err)
}

func (a *Application) leader(ctx context.Context) (string, error) {
	if err := checkApplicationName(a.name); err != nil {
		return "", err
	}
	conn, err := a.m.conn(ctx)
	if err != nil {
		return "", err
	}
	res, err := apiclient.NewApplicationClient(conn).Leader(ctx, facades.Entity{Tag: applicationTag(a.name)})
	if err != nil {
		return "", err
	}
	if res.Error != nil {
		return "", apiclient.ServerError(res.Error)
	}
	return res.Result, nil
}
