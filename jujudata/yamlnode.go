package jujudata

import (
	"reflect"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Helpers that edit a yaml.Node tree in place, so that keys, comments and
// order this package does not own survive a rewrite.

func newMap() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} }

func mapIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return i
		}
	}
	return -1
}

func mapGet(m *yaml.Node, key string) *yaml.Node {
	if i := mapIndex(m, key); i >= 0 {
		return m.Content[i+1]
	}
	return nil
}

// mapSet sets key to v, in place when the key exists (keeping its
// position and the old value's line comment), appended otherwise.
func mapSet(m *yaml.Node, key string, v *yaml.Node) {
	if i := mapIndex(m, key); i >= 0 {
		old := m.Content[i+1]
		if v.LineComment == "" {
			v.LineComment = old.LineComment
		}
		m.Content[i+1] = v
		return
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

func mapDelete(m *yaml.Node, key string) bool {
	i := mapIndex(m, key)
	if i < 0 {
		return false
	}
	m.Content = append(m.Content[:i], m.Content[i+2:]...)
	return true
}

// childMap returns the mapping under key, creating it when the key is
// missing or null and replacing an alias with a copy of its target so
// that an edit cannot reach through to the anchored node.
func childMap(m *yaml.Node, key string) *yaml.Node {
	v := mapGet(m, key)
	if v != nil && v.Kind == yaml.AliasNode && v.Alias != nil && v.Alias.Kind == yaml.MappingNode {
		c := deepCopy(v.Alias)
		c.Anchor = ""
		mapSet(m, key, c)
		return c
	}
	if v != nil && v.Kind == yaml.MappingNode {
		return v
	}
	n := newMap()
	mapSet(m, key, n)
	return n
}

// valueNode encodes a Go value as a node.
func valueNode(v any) *yaml.Node {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		// Only the package's own plain types are encoded here.
		panic("jujudata: cannot encode " + reflect.TypeOf(v).String() + ": " + err.Error())
	}
	return &n
}

// setEntry stores v (a struct) under key in m. When an entry already
// exists as a mapping, the keys v's type owns are replaced or removed and
// every other key of the entry is kept.
func setEntry(m *yaml.Node, key string, v any) {
	n := valueNode(v)
	existing := mapGet(m, key)
	if existing == nil || existing.Kind != yaml.MappingNode || n.Kind != yaml.MappingNode {
		mapSet(m, key, n)
		return
	}
	for _, k := range ownedKeys(reflect.TypeOf(v)) {
		if nv := mapGet(n, k); nv != nil {
			mapSet(existing, k, nv)
		} else {
			mapDelete(existing, k)
		}
	}
}

var ownedCache sync.Map // reflect.Type -> []string

// ownedKeys lists the YAML keys of a struct type's fields.
func ownedKeys(t reflect.Type) []string {
	if v, ok := ownedCache.Load(t); ok {
		return v.([]string)
	}
	var keys []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		keys = append(keys, name)
	}
	ownedCache.Store(t, keys)
	return keys
}

// deepCopy copies a node tree; alias nodes keep pointing at their anchors.
func deepCopy(n *yaml.Node) *yaml.Node {
	c := *n
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, ch := range n.Content {
			c.Content[i] = deepCopy(ch)
		}
	}
	return &c
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
