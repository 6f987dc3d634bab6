package core

import (
	"strconv"
	"strings"

	"github.com/gojuju/juju/internal/facades"
)

// What a charm declares beyond endpoints, config and actions: workload
// containers (a Kubernetes charm), storage, devices, extra bindings and
// assumes. CharmInfo reports all of it, as the real controller does, so
// that clients (the juju CLI among them) can check resources, storage and
// containers against it.

type yamlStorage struct {
	Type        string   `yaml:"type"`
	Description string   `yaml:"description"`
	Location    string   `yaml:"location"`
	Shared      bool     `yaml:"shared"`
	ReadOnly    bool     `yaml:"read-only"`
	MinimumSize string   `yaml:"minimum-size"`
	Properties  []string `yaml:"properties"`
	Multiple    struct {
		Range string `yaml:"range"`
	} `yaml:"multiple"`
}

type yamlDevice struct {
	Type        string `yaml:"type"`
	Description string `yaml:"description"`
	CountMin    int    `yaml:"countmin"`
	CountMax    int    `yaml:"countmax"`
}

// charmExtras is the part of a charm's metadata kept for CharmInfo.
type charmExtras struct {
	containers    map[string]facades.CharmContainer
	storage       map[string]facades.CharmStorage
	devices       map[string]facades.CharmDevice
	extraBindings map[string]string
	assumes       []any
}

func extrasFromMeta(meta *yamlMeta) charmExtras {
	var x charmExtras
	for name, v := range meta.Containers {
		if x.containers == nil {
			x.containers = map[string]facades.CharmContainer{}
		}
		var c facades.CharmContainer
		if m, ok := normaliseYAML(v).(map[string]any); ok {
			c.Resource, _ = m["resource"].(string)
			if mounts, ok := m["mounts"].([]any); ok {
				for _, mt := range mounts {
					if mm, ok := mt.(map[string]any); ok {
						st, _ := mm["storage"].(string)
						loc, _ := mm["location"].(string)
						c.Mounts = append(c.Mounts, facades.CharmMount{Storage: st, Location: loc})
					}
				}
			}
			c.Uid = intOf(m["uid"])
			c.Gid = intOf(m["gid"])
		}
		x.containers[name] = c
	}
	for name, s := range meta.Storage {
		if x.storage == nil {
			x.storage = map[string]facades.CharmStorage{}
		}
		cmin, cmax := 1, 1
		if r := s.Multiple.Range; r != "" {
			cmin, cmax = storageRange(r)
		}
		x.storage[name] = facades.CharmStorage{
			Name: name, Type: s.Type, Description: s.Description, Location: s.Location, Shared: s.Shared, ReadOnly: s.ReadOnly,
			MinimumSize: sizeMiB(s.MinimumSize), Properties: s.Properties, CountMin: cmin, CountMax: cmax,
		}
	}
	for name, d := range meta.Devices {
		if x.devices == nil {
			x.devices = map[string]facades.CharmDevice{}
		}
		cmin, cmax := d.CountMin, d.CountMax
		if cmin == 0 && cmax == 0 {
			cmin, cmax = 1, 1
		}
		x.devices[name] = facades.CharmDevice{Name: name, Type: d.Type, Description: d.Description, CountMin: cmin, CountMax: cmax}
	}
	for name := range meta.ExtraBindings {
		if x.extraBindings == nil {
			x.extraBindings = map[string]string{}
		}
		x.extraBindings[name] = name
	}
	if len(meta.Assumes) > 0 {
		x.assumes = make([]any, len(meta.Assumes))
		for i, a := range meta.Assumes {
			x.assumes[i] = normaliseYAML(a)
		}
	}
	return x
}

func intOf(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	}
	return 0
}

// storageRange parses "0-3", "2", "1-" (no maximum: -1).
func storageRange(r string) (int, int) {
	lo, hi, ok := strings.Cut(r, "-")
	a := leadingInt(lo)
	if !ok {
		return a, a
	}
	if hi == "" {
		return a, -1
	}
	return a, leadingInt(hi)
}

// leadingInt is the number that s starts with (after spaces); 0 when
// there is none: the simulator does not validate charm metadata.
func leadingInt(s string) int {
	s = strings.TrimSpace(s)
	end := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(s)
	}
	n, err := strconv.Atoi(s[:end])
	if err != nil {
		return 0
	}
	return n
}

// sizeMiB parses a minimum size such as "1G" or "512M" into MiB (a number
// that does not parse counts as 0, as in storageRange).
func sizeMiB(s string) int {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(s)
	}
	n, _ := strconv.ParseFloat(s[:i], 64)
	switch strings.ToUpper(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(s[i:]), "iB"), "B")) {
	case "G":
		n *= 1024
	case "T":
		n *= 1024 * 1024
	case "P":
		n *= 1024 * 1024 * 1024
	}
	return int(n)
}

// wireCharmExtras adds resources, containers, storage, devices, extra
// bindings and assumes to CharmInfo's meta.
func wireCharmExtras(meta *facades.CharmMeta, ch *charm) {
	if len(ch.resources) > 0 {
		meta.Resources = map[string]facades.CharmResourceMeta{}
		for n, r := range ch.resources {
			meta.Resources[n] = facades.CharmResourceMeta{Name: n, Type: r.Type, Path: r.Path, Description: r.Description}
		}
	}
	x := ch.extras
	meta.Containers = x.containers
	if ch.k8s && len(meta.Containers) == 0 {
		// A Charmhub Kubernetes charm of the built-in catalogue: one
		// workload container per OCI image resource.
		for _, n := range sortedResourceNames(ch) {
			if r := ch.resources[n]; r.Type == "oci-image" {
				if meta.Containers == nil {
					meta.Containers = map[string]facades.CharmContainer{}
				}
				meta.Containers[strings.TrimSuffix(n, "-image")] = facades.CharmContainer{Resource: n}
			}
		}
	}
	meta.Storage = x.storage
	meta.Devices = x.devices
	meta.ExtraBindings = x.extraBindings
	if len(x.assumes) > 0 {
		meta.AssumesExpr = &facades.ExpressionTree{Expression: x.assumes}
	}
}
