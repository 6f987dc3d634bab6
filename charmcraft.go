package juju

import (
	"archive/zip"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// charmcraftMetadataKeys are the keys of a unified charmcraft.yaml that go
// into a packed charm's metadata.yaml.
var charmcraftMetadataKeys = []string{
	"name", "summary", "description", "subordinate", "requires", "provides", "peers",
	"extra-bindings", "storage", "devices", "resources", "containers", "assumes",
	"terms", "maintainers", "docs", "issues", "source", "website",
}

// charmcraftFiles returns the files charmcraft pack would generate from a
// unified charmcraft.yaml (one with the charm's name) when dir has no
// metadata.yaml: metadata.yaml, config.yaml (from config), actions.yaml
// (from actions) and manifest.yaml (the bases, from base and platforms or
// bases), each only when dir lacks it. It returns nil when dir has a
// metadata.yaml or no such charmcraft.yaml.
func charmcraftFiles(dir string) (map[string][]byte, error) {
	if _, err := os.Stat(filepath.Join(dir, "metadata.yaml")); err == nil {
		return nil, nil
	}
	b, err := os.ReadFile(filepath.Join(dir, "charmcraft.yaml"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var cc map[string]any
	if err := yaml.Unmarshal(b, &cc); err != nil {
		return nil, fmt.Errorf("cannot parse charmcraft.yaml: %w", err)
	}
	if _, ok := cc["name"]; !ok {
		return nil, nil // metadata lives elsewhere: nothing to generate
	}
	out := map[string][]byte{}
	add := func(name string, v any) error {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return nil
		}
		data, err := yaml.Marshal(v)
		if err != nil {
			return err
		}
		out[name] = data
		return nil
	}
	meta := map[string]any{}
	for _, k := range charmcraftMetadataKeys {
		if v, ok := cc[k]; ok {
			meta[k] = v
		}
	}
	if err := add("metadata.yaml", meta); err != nil {
		return nil, err
	}
	if v, ok := cc["config"]; ok {
		if err := add("config.yaml", v); err != nil {
			return nil, err
		}
	}
	if v, ok := cc["actions"]; ok {
		if err := add("actions.yaml", v); err != nil {
			return nil, err
		}
	}
	if bases := charmcraftBases(cc); len(bases) > 0 {
		if err := add("manifest.yaml", map[string]any{"bases": bases}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// manifestBase is one base of a charm's manifest.yaml.
type manifestBase struct {
	Name          string   `yaml:"name"`
	Channel       string   `yaml:"channel"`
	Architectures []string `yaml:"architectures,omitempty"`
}

// charmcraftBases reads the bases a charm runs on from charmcraft.yaml:
// base ("ubuntu@22.04") with platforms' architectures, or bases (each
// with run-on, or a name and channel).
func charmcraftBases(cc map[string]any) []manifestBase {
	if s, ok := cc["base"].(string); ok {
		osName, ch, ok := strings.Cut(s, "@")
		if !ok {
			return nil
		}
		var arches []string
		if p, ok := cc["platforms"].(map[string]any); ok {
			for a := range p {
				arches = append(arches, a)
			}
			sort.Strings(arches)
		}
		return []manifestBase{{Name: osName, Channel: ch, Architectures: arches}}
	}
	list, _ := cc["bases"].([]any)
	var out []manifestBase
	one := func(v any) {
		m, _ := v.(map[string]any)
		name, _ := m["name"].(string)
		ch := fmt.Sprint(m["channel"])
		if f, ok := m["channel"].(float64); ok {
			ch = strconv.FormatFloat(f, 'f', 2, 64) // 22.04 unquoted
		}
		if name == "" || m["channel"] == nil {
			return
		}
		var arches []string
		if as, ok := m["architectures"].([]any); ok {
			for _, a := range as {
				arches = append(arches, fmt.Sprint(a))
			}
		}
		out = append(out, manifestBase{Name: name, Channel: ch, Architectures: arches})
	}
	for _, b := range list {
		m, _ := b.(map[string]any)
		if runOn, ok := m["run-on"].([]any); ok {
			for _, r := range runOn {
				one(r)
			}
			continue
		}
		one(b)
	}
	return out
}

// addCharmcraftFiles adds the files charmcraftFiles generates for dir.
func addCharmcraftFiles(zw *zip.Writer, dir string) error {
	gen, err := charmcraftFiles(dir)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(gen))
	for n := range gen {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		h := &zip.FileHeader{Name: n, Method: zip.Deflate}
		h.SetMode(0o644)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := w.Write(gen[n]); err != nil {
			return err
		}
	}
	return nil
}
