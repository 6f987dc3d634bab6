package juju

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/internal/facades/apiclient"
)

// RefreshOptions are the options of Application.Refresh. The zero value
// refreshes to the latest revision of the application's current channel.
type RefreshOptions struct {
	// Channel switches to another Charmhub channel ("15/edge").
	Channel string
	// Revision pins a Charmhub revision.
	Revision *int
	// Path refreshes to a local charm (a .charm archive or a charm
	// directory), uploaded first.
	Path string
	// Base is the base to refresh to ("ubuntu@24.04"); "" keeps the
	// application's.
	Base string
	// Config sets charm config values with the refresh.
	Config map[string]any
	// Storage sets storage directives for storage the new charm adds
	// ("ebs,10G").
	Storage map[string]string
	// Resources maps the charm's resource names to new values, as
	// DeployOptions.Resources takes them: a Charmhub revision ("3"), a
	// file to upload, or for an OCI image resource an image reference or
	// a registry file. Resources not named keep their current value.
	Resources map[string]string
	// Force refreshes even if the charm does not declare the application's
	// base, or units are in error.
	Force bool
}

// charmChannel is a Charmhub channel: [track/]risk[/branch].
type charmChannel struct {
	track, risk, branch string
}

var charmRisks = []string{"stable", "candidate", "beta", "edge"}

func isRisk(s string) bool {
	for _, r := range charmRisks {
		if s == r {
			return true
		}
	}
	return false
}

// parseCharmChannel parses "14/stable", "edge", "latest/edge/fix", "14".
func parseCharmChannel(s string) (charmChannel, error) {
	parts := strings.Split(s, "/")
	bad := func(why string) (charmChannel, error) {
		return charmChannel{}, invalid(ErrInvalidArgument, "channel", s, why)
	}
	for _, p := range parts {
		if p == "" {
			return bad("empty part")
		}
	}
	switch len(parts) {
	case 1:
		if isRisk(parts[0]) {
			return charmChannel{risk: parts[0]}, nil
		}
		return charmChannel{track: parts[0], risk: "stable"}, nil
	case 2:
		if isRisk(parts[0]) {
			return charmChannel{risk: parts[0], branch: parts[1]}, nil
		}
		if !isRisk(parts[1]) {
			return bad("risk must be one of " + strings.Join(charmRisks, ", "))
		}
		return charmChannel{track: parts[0], risk: parts[1]}, nil
	case 3:
		if !isRisk(parts[1]) {
			return bad("risk must be one of " + strings.Join(charmRisks, ", "))
		}
		return charmChannel{track: parts[0], risk: parts[1], branch: parts[2]}, nil
	}
	return bad("too many parts")
}

func (c charmChannel) String() string {
	s := c.risk
	if c.track != "" {
		s = c.track + "/" + s
	}
	if c.branch != "" {
		s += "/" + c.branch
	}
	return s
}

// Refresh upgrades the application's charm: to the latest revision of its
// channel, to another channel or revision, or to a local charm
// (opts.Path). Charmhub refreshes resolve the charm
// (Charms.ResolveCharms), add it (Charms.AddCharm) and switch to it
// (Application.SetCharm); a local charm is uploaded first. The storage key
// of SetCharm is chosen by server version.
func (a *Application) Refresh(ctx context.Context, opts *RefreshOptions) error {
	return opError("refresh", a.name, a.refresh(ctx, opts))
}

func (a *Application) refresh(ctx context.Context, opts *RefreshOptions) error {
	if opts == nil {
		opts = &RefreshOptions{}
	}
	if err := checkApplicationName(a.name); err != nil {
		return err
	}
	var channel charmChannel
	var err error
	if opts.Channel != "" {
		if channel, err = parseCharmChannel(opts.Channel); err != nil {
			return err
		}
	}
	if opts.Revision != nil && *opts.Revision < 0 {
		return invalidf(ErrInvalidArgument, "revision", strconv.Itoa(*opts.Revision), "must not be negative")
	}
	if opts.Path != "" && (opts.Channel != "" || opts.Revision != nil) {
		return invalid(ErrInvalidArgument, "option", "Path", "cannot be combined with Channel or Revision")
	}
	base, err := parseBaseOrEmpty(opts.Base)
	if err != nil {
		return err
	}
	storage, err := parseStorage(opts.Storage)
	if err != nil {
		return err
	}
	for name, v := range opts.Resources {
		if err := checkResourceValue(name, v); err != nil {
			return err
		}
	}
	var local *localCharm
	var uploads map[string]*resourceUpload
	if opts.Path != "" {
		if local, err = readLocalCharm(opts.Path); err != nil {
			return err
		}
		if uploads, err = prepareLocalResources(local, opts.Resources); err != nil {
			return err
		}
		if local.options != nil {
			if _, err := configStrings(opts.Config, local.options); err != nil {
				return err
			}
		}
	}
	config, err := configStrings(opts.Config, nil)
	if err != nil {
		return err
	}

	conn, err := a.m.conn(ctx)
	if err != nil {
		return err
	}
	app := apiclient.NewApplicationClient(conn)
	cur, err := app.GetCharmURLOrigin(ctx, facades.ApplicationGet{Application: a.name})
	if err != nil {
		return err
	}
	if cur.Error != nil {
		return apiclient.ServerError(cur.Error)
	}
	origin := cur.CharmOrigin
	if !base.IsZero() {
		origin.Base = base.normalized().wire()
	}
	var url string
	switch {
	case local != nil:
		url, err = a.m.uploadCharm(ctx, conn, local)
		if err != nil {
			return err
		}
		origin = facades.CharmOrigin{Source: "local", Base: origin.Base, Architecture: origin.Architecture}
		info, err := a.m.charmInfo(ctx, conn, url)
		if err != nil {
			return err
		}
		origin.Revision = &info.Revision
	case origin.Source == "local":
		return invalid(ErrInvalidArgument, "refresh", a.name, "the application runs a local charm; give Path to refresh it")
	default:
		if opts.Channel != "" {
			origin.Risk = channel.risk
			origin.Track, origin.Branch = nil, nil
			if channel.track != "" {
				origin.Track = &channel.track
			}
			if channel.branch != "" {
				origin.Branch = &channel.branch
			}
		}
		origin.Revision = opts.Revision
		origin.ID, origin.Hash = "", ""
		name := charmNameFromURL(cur.URL)
		ch := apiclient.NewCharmsClient(conn)
		res, err := ch.ResolveCharms(ctx, facades.ResolveCharmsWithChannel{Resolve: []facades.ResolveCharmWithChannel{{
			Reference: "ch:" + name, CharmOrigin: origin,
		}}})
		if err != nil {
			return err
		}
		if len(res.Results) != 1 {
			return fmt.Errorf("expected 1 result, got %d", len(res.Results))
		}
		if res.Results[0].Error != nil {
			return apiclient.ServerError(res.Results[0].Error)
		}
		url, origin = res.Results[0].URL, res.Results[0].CharmOrigin
		if url == cur.URL && opts.Channel == "" && len(config) == 0 && len(storage) == 0 && len(opts.Resources) == 0 {
			a.m.ctrl.logger.InfoContext(ctx, "refresh: already running the latest revision", "application", a.name, "charm", url)
			return nil
		}
		added, err := ch.AddCharm(ctx, facades.AddCharmWithOrigin{URL: url, CharmOrigin: origin, Force: opts.Force})
		if err != nil {
			return err
		}
		if added.Error != nil {
			return apiclient.ServerError(added.Error)
		}
		origin = added.CharmOrigin
	}
	resourceIDs, err := a.refreshResources(ctx, conn, url, origin, opts.Resources, uploads)
	if err != nil {
		return err
	}
	channelStr := ""
	if opts.Channel != "" {
		channelStr = channel.String()
	}
	// Each shape takes its own storage key: storage-directives (Juju 4 from
	// Application version 20) or storage-constraints.
	args := apiclient.ApplicationSetCharmV2{Application: a.name, CharmURL: url, CharmOrigin: &origin, Channel: channelStr,
		ConfigSettings: config, Force: opts.Force, ForceBase: opts.Force, ForceUnits: opts.Force, ResourceIds: resourceIDs}
	if len(storage) > 0 {
		args.StorageDirectives = map[string]facades.StorageDirectives{}
		args.StorageConstraints = map[string]facades.StorageConstraints{}
		for k, d := range storage {
			args.StorageDirectives[k] = facades.StorageDirectives{Pool: d.Pool, Size: int(d.Size), Count: int(d.Count)}
			args.StorageConstraints[k] = facades.StorageConstraints{Pool: d.Pool, Size: int(d.Size), Count: int(d.Count)}
		}
	}
	err = app.SetCharm(ctx, args)
	if err != nil {
		return err
	}
	return nil
}

// charmNameFromURL turns "ch:amd64/jammy/postgresql-468" into "postgresql".
func charmNameFromURL(u string) string {
	if i := strings.IndexByte(u, ':'); i >= 0 {
		u = u[i+1:]
	}
	if i := strings.LastIndexByte(u, '/'); i >= 0 {
		u = u[i+1:]
	}
	if i := strings.LastIndexByte(u, '-'); i > 0 {
		if _, err := strconv.Atoi(u[i+1:]); err == nil {
			u = u[:i]
		}
	}
	return u
}

// parseBaseOrEmpty is ParseBase, except that "" gives the zero Base.
func parseBaseOrEmpty(s string) (Base, error) {
	if s == "" {
		return Base{}, nil
	}
	return ParseBase(s)
}
