package core

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

type charmRelation struct {
	Name      string
	Role      string // provider|requirer|peer
	Interface string
	Optional  bool
	Limit     int
	Scope     string // global|container
}

type charmOption struct {
	Type        string // string|int|float|boolean|secret
	Description string
	Default     any
}

type charmAction struct {
	Description string
	Params      map[string]any // JSON schema
}

type charmBase struct {
	Name          string
	Channel       string
	Architectures []string
}

type charm struct {
	url         string // canonical URL as stored, e.g. "local:rj-provider-0", "ch:amd64/postgresql-345"
	schema      string // local | ch
	name        string
	revision    int
	arch        string
	sha256      string
	objectName  string
	summary     string
	description string
	subordinate bool
	minJuju     string
	relations   map[string]charmRelation
	config      map[string]charmOption
	actions     map[string]charmAction
	bases       []charmBase
	channel     string // charmhub channel it came from
	k8s         bool
	resources   map[string]charmResource
	extras      charmExtras // containers, storage, devices, extra-bindings, assumes
}

func (c *charm) endpointNames() []string {
	var out []string
	for n := range c.relations {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// curl is a parsed charm URL.
type curl struct {
	schema   string
	arch     string
	series   string
	name     string
	revision int // -1 when absent
}

var charmNameRE = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*$`)

// validCharmName follows Juju's charm name rule.
func validCharmName(s string) bool { return charmNameRE.MatchString(s) }

// parseCurl parses charm URLs: [schema:][arch/][series/]name[-rev].
func parseCurl(s string) (curl, error) {
	u := curl{revision: -1}
	rest := s
	if i := strings.Index(rest, ":"); i >= 0 {
		u.schema, rest = rest[:i], rest[i+1:]
		switch u.schema {
		case "ch", "local", "cs":
		default:
			return u, fmt.Errorf("cannot parse URL %q: schema %q not valid", s, u.schema)
		}
	} else {
		u.schema = "ch"
	}
	parts := strings.Split(rest, "/")
	switch len(parts) {
	case 1:
	case 2:
		u.arch = parts[0]
	case 3:
		u.arch, u.series = parts[0], parts[1]
	default:
		return u, fmt.Errorf("charm or bundle URL has invalid form: %q", s)
	}
	nr := parts[len(parts)-1]
	if i := strings.LastIndex(nr, "-"); i > 0 {
		if n, err := strconv.Atoi(nr[i+1:]); err == nil {
			u.revision = n
			nr = nr[:i]
		}
	}
	if !validCharmName(nr) {
		return u, fmt.Errorf("cannot parse name and/or revision in URL %q: name %q not valid", s, nr)
	}
	u.name = nr
	return u, nil
}

func (u curl) String() string {
	s := u.schema + ":"
	if u.arch != "" {
		s += u.arch + "/"
	}
	if u.series != "" {
		s += u.series + "/"
	}
	s += u.name
	if u.revision >= 0 {
		s += "-" + strconv.Itoa(u.revision)
	}
	return s
}

// ---- charm metadata from archives ----

type yamlRelation struct {
	Interface string `yaml:"interface"`
	Limit     int    `yaml:"limit"`
	Optional  bool   `yaml:"optional"`
	Scope     string `yaml:"scope"`
}

type yamlRelations map[string]yamlRelation

// UnmarshalYAML accepts both "name: interface" and "name: {interface: ...}".
func (r *yamlRelations) UnmarshalYAML(n *yaml.Node) error {
	out := yamlRelations{}
	if n.Kind != yaml.MappingNode {
		*r = out
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		var yr yamlRelation
		if v.Kind == yaml.ScalarNode {
			yr.Interface = v.Value
		} else if err := v.Decode(&yr); err != nil {
			return err
		}
		out[k] = yr
	}
	*r = out
	return nil
}

type yamlMeta struct {
	Name           string         `yaml:"name"`
	Summary        string         `yaml:"summary"`
	Description    string         `yaml:"description"`
	Subordinate    bool           `yaml:"subordinate"`
	Provides       yamlRelations  `yaml:"provides"`
	Requires       yamlRelations  `yaml:"requires"`
	Peers          yamlRelations  `yaml:"peers"`
	MinJujuVersion string         `yaml:"min-juju-version"`
	Series         []string       `yaml:"series"`
	Containers     map[string]any `yaml:"containers"`
	Assumes        []any          `yaml:"assumes"`
	// charmcraft.yaml (unified) keys
	Config    *yamlConfig             `yaml:"config"`
	Actions   map[string]yamlAction   `yaml:"actions"`
	Bases     []yamlBase              `yaml:"bases"`
	Base      string                  `yaml:"base"`
	Platforms map[string]any          `yaml:"platforms"`
	Resources map[string]yamlResource `yaml:"resources"`
	// what else a charm declares, reported by CharmInfo
	Storage       map[string]yamlStorage `yaml:"storage"`
	Devices       map[string]yamlDevice  `yaml:"devices"`
	ExtraBindings map[string]any         `yaml:"extra-bindings"`
}

type yamlOption struct {
	Type        string `yaml:"type"`
	Description string `yaml:"description"`
	Default     any    `yaml:"default"`
}

type yamlConfig struct {
	Options map[string]yamlOption `yaml:"options"`
}

type yamlAction struct {
	Description string         `yaml:"description"`
	Params      map[string]any `yaml:"params"`
	Required    []string       `yaml:"required"`
	// AdditionalProperties is false unless the charm says otherwise, as
	// Juju reads actions.yaml (setup-deploy-app.jsonl, CharmInfo).
	AdditionalProperties *bool `yaml:"additionalProperties"`
}

type yamlBase struct {
	Name          string   `yaml:"name"`
	Channel       string   `yaml:"channel"`
	Architectures []string `yaml:"architectures"`
	// charmcraft "bases: [{build-on: [...], run-on: [...]}]"
	RunOn []yamlBase `yaml:"run-on"`
}

type yamlManifest struct {
	Bases []yamlBase `yaml:"bases"`
}

// charmFromArchive reads a .charm zip: metadata.yaml and/or charmcraft.yaml,
// config.yaml, actions.yaml, manifest.yaml and revision.
func charmFromArchive(archive []byte) (*charm, error) {
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		return nil, fmt.Errorf("cannot read charm archive: %w", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		name := strings.TrimPrefix(f.Name, "./")
		switch name {
		case "metadata.yaml", "charmcraft.yaml", "config.yaml", "actions.yaml", "manifest.yaml", "revision":
		default:
			continue
		}
		if f.UncompressedSize64 > 10<<20 {
			return nil, fmt.Errorf("cannot read charm archive: %s too large", name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("cannot read charm archive: %w", err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, 10<<20))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("cannot read charm archive: %w", err)
		}
		files[name] = b
	}
	return charmFromFiles(files)
}

func charmFromFiles(files map[string][]byte) (*charm, error) {
	var meta yamlMeta
	haveMeta := false
	for _, name := range []string{"charmcraft.yaml", "metadata.yaml"} {
		b, ok := files[name]
		if !ok {
			continue
		}
		var m yamlMeta
		if err := yaml.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("cannot parse %s: %w", name, err)
		}
		mergeMeta(&meta, &m)
		haveMeta = true
	}
	if !haveMeta {
		return nil, fmt.Errorf("archive has no metadata.yaml or charmcraft.yaml")
	}
	if meta.Name == "" {
		return nil, fmt.Errorf("charm metadata has no name")
	}
	if !validCharmName(meta.Name) {
		return nil, fmt.Errorf("charm name %q not valid", meta.Name)
	}
	c := &charm{
		name:        meta.Name,
		summary:     meta.Summary,
		description: meta.Description,
		subordinate: meta.Subordinate,
		minJuju:     meta.MinJujuVersion,
		relations:   map[string]charmRelation{},
		config:      map[string]charmOption{},
		actions:     map[string]charmAction{},
		k8s:         len(meta.Containers) > 0,
		resources:   charmResources(meta.Resources),
		extras:      extrasFromMeta(&meta),
	}
	if c.minJuju == "" {
		c.minJuju = "0.0.0"
	}
	addRels := func(rs yamlRelations, role string) {
		for n, r := range rs {
			scope := r.Scope
			if scope == "" {
				scope = "global"
			}
			c.relations[n] = charmRelation{Name: n, Role: role, Interface: r.Interface, Optional: r.Optional, Limit: r.Limit, Scope: scope}
		}
	}
	addRels(meta.Provides, "provider")
	addRels(meta.Requires, "requirer")
	addRels(meta.Peers, "peer")
	if _, ok := c.relations["juju-info"]; !ok {
		c.relations["juju-info"] = charmRelation{Name: "juju-info", Role: "provider", Interface: "juju-info", Scope: "global"}
	}
	if b, ok := files["config.yaml"]; ok {
		var cfg yamlConfig
		if err := yaml.Unmarshal(b, &cfg); err != nil {
			return nil, fmt.Errorf("cannot parse config.yaml: %w", err)
		}
		meta.Config = &cfg
	}
	if meta.Config != nil {
		for n, o := range meta.Config.Options {
			t := o.Type
			if t == "" {
				t = "string"
			}
			switch t {
			case "string", "int", "float", "boolean", "secret":
			default:
				return nil, fmt.Errorf("option %q has unknown type %q", n, o.Type)
			}
			c.config[n] = charmOption{Type: t, Description: o.Description, Default: normaliseYAML(o.Default)}
		}
	}
	if b, ok := files["actions.yaml"]; ok {
		var acts map[string]yamlAction
		if err := yaml.Unmarshal(b, &acts); err != nil {
			return nil, fmt.Errorf("cannot parse actions.yaml: %w", err)
		}
		meta.Actions = acts
	}
	for n, a := range meta.Actions {
		params := map[string]any{
			"type":        "object",
			"title":       n,
			"description": a.Description,
			"properties":  normaliseYAML(a.Params),
		}
		if params["properties"] == nil {
			params["properties"] = map[string]any{}
		}
		if len(a.Required) > 0 {
			params["required"] = a.Required
		}
		params["additionalProperties"] = a.AdditionalProperties != nil && *a.AdditionalProperties
		c.actions[n] = charmAction{Description: a.Description, Params: params}
	}
	var bases []yamlBase
	if b, ok := files["manifest.yaml"]; ok {
		var mf yamlManifest
		if err := yaml.Unmarshal(b, &mf); err != nil {
			return nil, fmt.Errorf("cannot parse manifest.yaml: %w", err)
		}
		bases = mf.Bases
	}
	if len(bases) == 0 {
		for _, b := range meta.Bases {
			if len(b.RunOn) > 0 {
				bases = append(bases, b.RunOn...)
			} else {
				bases = append(bases, b)
			}
		}
	}
	if len(bases) == 0 && meta.Base != "" {
		name, ch, _ := strings.Cut(meta.Base, "@")
		var archs []string
		for p := range meta.Platforms {
			archs = append(archs, p)
		}
		sort.Strings(archs)
		bases = append(bases, yamlBase{Name: name, Channel: ch, Architectures: archs})
	}
	for _, b := range bases {
		archs := b.Architectures
		if len(archs) == 0 {
			archs = []string{"amd64"}
		}
		c.bases = append(c.bases, charmBase{Name: b.Name, Channel: base{Channel: b.Channel}.withRisk().Channel, Architectures: archs})
	}
	if b, ok := files["revision"]; ok {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			c.revision = n
		}
	}
	return c, nil
}

func mergeMeta(dst, src *yamlMeta) {
	if dst.Name == "" {
		*dst = *src
		return
	}
	// metadata.yaml fills what charmcraft.yaml lacks.
	if dst.Summary == "" {
		dst.Summary = src.Summary
	}
	if dst.Description == "" {
		dst.Description = src.Description
	}
	if dst.Provides == nil {
		dst.Provides = src.Provides
	}
	if dst.Requires == nil {
		dst.Requires = src.Requires
	}
	if dst.Peers == nil {
		dst.Peers = src.Peers
	}
	dst.Subordinate = dst.Subordinate || src.Subordinate
	if dst.Containers == nil {
		dst.Containers = src.Containers
	}
	if dst.Resources == nil {
		dst.Resources = src.Resources
	}
	if dst.Storage == nil {
		dst.Storage = src.Storage
	}
	if dst.Devices == nil {
		dst.Devices = src.Devices
	}
	if dst.ExtraBindings == nil {
		dst.ExtraBindings = src.ExtraBindings
	}
	if dst.Assumes == nil {
		dst.Assumes = src.Assumes
	}
}

// normaliseYAML converts YAML-decoded values into JSON-friendly ones.
func normaliseYAML(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normaliseYAML(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = normaliseYAML(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normaliseYAML(e)
		}
		return out
	}
	return v
}

// ---- simulated Charmhub ----

type hubCharm struct {
	name            string
	revision        int
	channel         string // default channel
	summary         string
	subordinate     bool
	provides        map[string]string // endpoint -> interface
	requires        map[string]string
	peers           map[string]string
	containerScoped map[string]bool
	config          map[string]charmOption
	actions         []string
	k8s             bool
	bases           []string // channels of ubuntu
	resources       map[string]charmResource
	tmpl            *charm // real metadata given to the simulator (Controller.AddHubCharm)
}

var charmhub = map[string]hubCharm{
	"postgresql": {name: "postgresql", revision: 468, channel: "14/stable", summary: "PostgreSQL database",
		provides: map[string]string{"database": "postgresql_client", "db": "pgsql", "db-admin": "pgsql", "cos-agent": "cos_agent"},
		peers:    map[string]string{"database-peers": "postgresql_peers", "restart": "rolling_op"},
		config: map[string]charmOption{
			"profile":                      {Type: "string", Description: "Profile representing the scope of deployment.", Default: "production"},
			"plugin_pg_trgm_enable":        {Type: "boolean", Description: "Enable pg_trgm extension.", Default: false},
			"experimental_max_connections": {Type: "int", Description: "Maximum number of connections."},
		},
		actions: []string{"get-password", "set-password", "create-backup", "list-backups"}, bases: []string{"22.04"}},
	"postgresql-k8s": {name: "postgresql-k8s", revision: 495, channel: "14/stable", summary: "PostgreSQL on Kubernetes", k8s: true,
		provides: map[string]string{"database": "postgresql_client"}, peers: map[string]string{"database-peers": "postgresql_peers"},
		config:  map[string]charmOption{"profile": {Type: "string", Description: "Profile.", Default: "production"}},
		actions: []string{"get-password", "set-password"}, bases: []string{"22.04"},
		resources: map[string]charmResource{"postgresql-image": {Name: "postgresql-image", Type: "oci-image", Description: "OCI image for PostgreSQL"}}},
	"mysql": {name: "mysql", revision: 313, channel: "8.0/stable", summary: "MySQL database",
		provides: map[string]string{"database": "mysql_client", "mysql": "mysql", "db-router": "mysql-router"},
		peers:    map[string]string{"database-peers": "mysql_peers"},
		config:   map[string]charmOption{"profile": {Type: "string", Description: "Profile.", Default: "production"}, "cluster-name": {Type: "string", Description: "Cluster name."}},
		actions:  []string{"get-password", "set-password", "get-primary"}, bases: []string{"22.04"}},
	"mysql-k8s": {name: "mysql-k8s", revision: 180, channel: "8.0/stable", summary: "MySQL on Kubernetes", k8s: true,
		provides: map[string]string{"database": "mysql_client"}, peers: map[string]string{"database-peers": "mysql_peers"},
		actions: []string{"get-password"}, bases: []string{"22.04"}},
	"wordpress": {name: "wordpress", revision: 4, channel: "stable", summary: "WordPress blog",
		requires: map[string]string{"db": "mysql", "database": "mysql_client"}, provides: map[string]string{"website": "http"},
		config: map[string]charmOption{"blog-name": {Type: "string", Description: "Blog name.", Default: "My Blog"}, "tuning": {Type: "string", Description: "Tuning.", Default: "single"}},
		bases:  []string{"22.04", "20.04"},
		resources: map[string]charmResource{"theme": {Name: "theme", Type: "file", Path: "theme.zip", Description: "A theme to install"},
			"plugins": {Name: "plugins", Type: "file", Path: "plugins.tar.gz", Description: "Plugins to install"}}},
	"mediawiki": {name: "mediawiki", revision: 19, channel: "stable", summary: "MediaWiki",
		requires: map[string]string{"db": "mysql"}, provides: map[string]string{"website": "http"},
		config: map[string]charmOption{"name": {Type: "string", Description: "Wiki name.", Default: "Please set name of wiki"}},
		bases:  []string{"22.04"}},
	"haproxy": {name: "haproxy", revision: 75, channel: "stable", summary: "HAProxy load balancer",
		provides: map[string]string{"website": "http"}, requires: map[string]string{"reverseproxy": "http"},
		config: map[string]charmOption{"default_timeouts": {Type: "string", Description: "Timeouts.", Default: "queue 20000, client 50000, connect 5000, server 50000"}},
		bases:  []string{"22.04", "20.04"}},
	"ubuntu": {name: "ubuntu", revision: 24, channel: "stable", summary: "A pristine Ubuntu server",
		config: map[string]charmOption{"hostname": {Type: "string", Description: "Hostname.", Default: ""}},
		bases:  []string{"24.04", "22.04", "20.04"}},
	"ntp": {name: "ntp", revision: 50, channel: "stable", summary: "Network Time Protocol", subordinate: true,
		requires: map[string]string{"juju-info": "juju-info"}, provides: map[string]string{"ntpmaster": "ntp"},
		containerScoped: map[string]bool{"juju-info": true},
		config:          map[string]charmOption{"source": {Type: "string", Description: "NTP sources.", Default: ""}},
		bases:           []string{"22.04", "20.04"}},
	"grafana-agent": {name: "grafana-agent", revision: 260, channel: "latest/stable", summary: "Grafana Agent", subordinate: true,
		requires: map[string]string{"juju-info": "juju-info", "cos-agent": "cos_agent"}, containerScoped: map[string]bool{"juju-info": true, "cos-agent": true},
		bases: []string{"24.04", "22.04"}},
	"nginx-ingress-integrator": {name: "nginx-ingress-integrator", revision: 110, channel: "latest/stable", summary: "Ingress for Kubernetes", k8s: true,
		provides: map[string]string{"ingress": "ingress", "nginx-route": "nginx-route"}, bases: []string{"22.04"}},
}

// hubLookup returns the simulated Charmhub charm called name. Any valid
// name that is not in the catalogue gets a generic charm (it provides only
// juju-info), so tests can deploy arbitrary names.
func hubLookup(name string) (hubCharm, bool) {
	if h, ok := charmhub[name]; ok {
		return h, true
	}
	if !validCharmName(name) {
		return hubCharm{}, false
	}
	return hubCharm{name: name, revision: 1, channel: "latest/stable", summary: "simulated charm " + name, bases: []string{"24.04", "22.04"}}, true
}

// toCharm builds the charm a deploy of h on arch would add.
func (h hubCharm) toCharm(arch string, revision int) *charm {
	if revision < 0 {
		revision = h.revision
	}
	if h.tmpl != nil {
		return h.tmpl.hubCopy(arch, revision, h.channel)
	}
	c := &charm{
		schema:      "ch",
		name:        h.name,
		revision:    revision,
		arch:        arch,
		summary:     h.summary,
		description: h.summary + " (simulated by jujusim)",
		subordinate: h.subordinate,
		minJuju:     "0.0.0",
		relations:   map[string]charmRelation{},
		config:      map[string]charmOption{},
		actions:     map[string]charmAction{},
		channel:     h.channel,
		k8s:         h.k8s,
		resources:   h.resources,
	}
	add := func(m map[string]string, role string) {
		for n, i := range m {
			scope := "global"
			if h.containerScoped[n] {
				scope = "container"
			}
			c.relations[n] = charmRelation{Name: n, Role: role, Interface: i, Scope: scope}
		}
	}
	add(h.provides, "provider")
	add(h.requires, "requirer")
	add(h.peers, "peer")
	if _, ok := c.relations["juju-info"]; !ok {
		c.relations["juju-info"] = charmRelation{Name: "juju-info", Role: "provider", Interface: "juju-info", Scope: "global"}
	}
	for n, o := range h.config {
		c.config[n] = o
	}
	for _, a := range h.actions {
		c.actions[a] = charmAction{Description: "Simulated " + a + " action.", Params: map[string]any{
			"type": "object", "title": a, "description": "Simulated " + a + " action.", "properties": map[string]any{},
			"additionalProperties": false}}
	}
	for _, ch := range h.bases {
		c.bases = append(c.bases, charmBase{Name: "ubuntu", Channel: ch + "/stable", Architectures: []string{"amd64", "arm64"}})
	}
	c.extras.storage = hubStorage[h.name]
	c.url = curl{schema: "ch", arch: arch, name: h.name, revision: revision}.String()
	return c
}

// convertOption converts a config value (string from the wire or native
// from YAML/JSON) to the option's type.
func convertOption(name string, opt charmOption, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch opt.Type {
	case "string", "secret":
		switch x := v.(type) {
		case string:
			return x, nil
		default:
			return fmt.Sprint(x), nil
		}
	case "int":
		switch x := v.(type) {
		case string:
			n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("option %q expected int, got %q", name, x)
			}
			return n, nil
		case float64:
			if x != float64(int64(x)) {
				return nil, fmt.Errorf("option %q expected int, got %v", name, x)
			}
			return int64(x), nil
		case int:
			return int64(x), nil
		case int64:
			return x, nil
		}
		return nil, fmt.Errorf("option %q expected int, got %v", name, v)
	case "float":
		switch x := v.(type) {
		case string:
			f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return nil, fmt.Errorf("option %q expected float, got %q", name, x)
			}
			return f, nil
		case float64:
			return x, nil
		case int:
			return float64(x), nil
		case int64:
			return float64(x), nil
		}
		return nil, fmt.Errorf("option %q expected float, got %v", name, v)
	case "boolean":
		switch x := v.(type) {
		case string:
			b, err := strconv.ParseBool(strings.TrimSpace(x))
			if err != nil {
				return nil, fmt.Errorf("option %q expected boolean, got %q", name, x)
			}
			return b, nil
		case bool:
			return x, nil
		}
		return nil, fmt.Errorf("option %q expected boolean, got %v", name, v)
	}
	return v, nil
}
