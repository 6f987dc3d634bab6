package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// schemaFacade is one entry of a schema file: a facade at one version.
type schemaFacade struct {
	Name        string
	Description string
	Version     int
	Schema      struct {
		Properties  map[string]*jsType `json:"properties"`
		Definitions map[string]*jsType `json:"definitions"`
	}
}

// jsType is the subset of JSON Schema the Juju schema generator produces.
type jsType struct {
	Type                 string             `json:"type,omitempty"`
	Ref                  string             `json:"$ref,omitempty"`
	Format               string             `json:"format,omitempty"`
	Items                *jsType            `json:"items,omitempty"`
	Properties           map[string]*jsType `json:"properties,omitempty"`
	PatternProperties    map[string]*jsType `json:"patternProperties,omitempty"`
	AdditionalProperties json.RawMessage    `json:"additionalProperties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	Description          string             `json:"description,omitempty"`
}

// refName returns the definition name of a "#/definitions/X" reference.
func (t *jsType) refName() string {
	return strings.TrimPrefix(t.Ref, "#/definitions/")
}

// additionalAny reports whether the type is an object whose
// additionalProperties is true: the schema generator's rendering of a Go
// interface{} value.
func (t *jsType) additionalAny() bool {
	return strings.TrimSpace(string(t.AdditionalProperties)) == "true"
}

// canonical renders the wire-relevant parts of a type (no descriptions) in a
// stable form, with references by name.
func (t *jsType) canonical() string {
	if t == nil {
		return "nil"
	}
	var b strings.Builder
	t.writeCanonical(&b, nil)
	return b.String()
}

// shape is canonical with references masked; refs lists them in order.
func (t *jsType) shape() (shape string, refs []string) {
	var b strings.Builder
	t.writeCanonical(&b, &refs)
	return b.String(), refs
}

// writeCanonical writes the canonical form; with refs set, references are
// masked and appended to refs instead.
func (t *jsType) writeCanonical(b *strings.Builder, refs *[]string) {
	ref := t.Ref
	if refs != nil && ref != "" {
		*refs = append(*refs, t.refName())
		ref = "#"
	}
	fmt.Fprintf(b, "{t=%s r=%s f=%s", t.Type, ref, t.Format)
	if t.Items != nil {
		b.WriteString(" items=")
		t.Items.writeCanonical(b, refs)
	}
	for _, m := range []struct {
		name string
		m    map[string]*jsType
	}{{"props", t.Properties}, {"pattern", t.PatternProperties}} {
		if len(m.m) == 0 {
			continue
		}
		fmt.Fprintf(b, " %s=[", m.name)
		for _, k := range sortedKeys(m.m) {
			fmt.Fprintf(b, "%q:", k)
			m.m[k].writeCanonical(b, refs)
			b.WriteString(",")
		}
		b.WriteString("]")
	}
	if len(t.AdditionalProperties) > 0 {
		var ap any
		_ = json.Unmarshal(t.AdditionalProperties, &ap)
		switch v := ap.(type) {
		case bool:
			fmt.Fprintf(b, " ap=%v", v)
		default:
			var sub jsType
			_ = json.Unmarshal(t.AdditionalProperties, &sub)
			b.WriteString(" ap=")
			sub.writeCanonical(b, refs)
		}
	}
	if len(t.Required) > 0 {
		req := append([]string(nil), t.Required...)
		sort.Strings(req)
		fmt.Fprintf(b, " req=%q", req)
	}
	b.WriteString("}")
}

// refs returns the definition names a type refers to directly.
func (t *jsType) refs(into map[string]bool) {
	if t == nil {
		return
	}
	if t.Ref != "" {
		into[t.refName()] = true
	}
	t.Items.refs(into)
	for _, p := range t.Properties {
		p.refs(into)
	}
	for _, p := range t.PatternProperties {
		p.refs(into)
	}
	if len(t.AdditionalProperties) > 0 && !t.additionalAny() && string(t.AdditionalProperties) != "false" {
		var sub jsType
		if json.Unmarshal(t.AdditionalProperties, &sub) == nil {
			sub.refs(into)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// schemaFile is one loaded schema file.
type schemaFile struct {
	Path    string // as given
	Base    string // file name, used in headers
	Release release
	Facades map[string]*schemaFacade
}

var releaseRE = regexp.MustCompile(`^juju-(\d+)\.(\d+)\.\d+\.json$`)

// loadSchema reads a schema file. Method descriptions (upstream's doc
// comments, in the -latest-comments variants) are never read: generated
// doc comments are the generator's own words, never upstream's.
func loadSchema(path string) (*schemaFile, error) {
	base := filepath.Base(path)
	m := releaseRE.FindStringSubmatch(base)
	if m == nil {
		return nil, fmt.Errorf("cannot load schema %s: file name is not juju-<major>.<minor>.<patch>.json", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot load schema: %w", err)
	}
	facades, err := parseFacades(data)
	if err != nil {
		return nil, fmt.Errorf("cannot load schema %s: %w", path, err)
	}
	return &schemaFile{Path: path, Base: base, Release: release(m[1] + "." + m[2]), Facades: facades}, nil
}

func parseFacades(data []byte) (map[string]*schemaFacade, error) {
	var list []*schemaFacade
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, err
	}
	out := make(map[string]*schemaFacade, len(list))
	for _, f := range list {
		if prev, ok := out[f.Name]; ok && prev.Version > f.Version {
			continue // keep the newest version of a facade
		}
		out[f.Name] = f
	}
	return out, nil
}
