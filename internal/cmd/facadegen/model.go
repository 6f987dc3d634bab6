package main

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// nodeKey names one schema definition in one release.
type nodeKey struct {
	rel  release
	name string
}

// node is one schema definition in one release, as reached from the methods
// of the listed facades.
type node struct {
	key     nodeKey
	def     *jsType
	canon   string
	refs    []string
	shape   string   // canon with references masked
	ordRefs []string // references in canonical order
	facades []string // listed facades (in list order) reaching it
	goType  *goType
}

// goType is one generated Go type: a class of nodes with the same
// definition name and the same wire shape.
type goType struct {
	Name     string
	Def      string  // schema definition name
	Nodes    []*node // newest release first
	Facades  []string
	Opaque   *opaque
	Suffixed bool   // an older shape with a version suffix
	Origin   string // for suffixed types: "ModelManager version 10 (Juju 3.6)"
}

func (g *goType) rep() *node { return g.Nodes[0] }

// variantModel is a variant with its schema facade.
type variantModel struct {
	variant
	sf *schemaFacade
}

// facadeModel is one facade ready for emission.
type facadeModel struct {
	facade
	Variants []variantModel
	Methods  []*methodModel
	Types    []*goType // types used only by this facade
	Doc      string
}

// methodModel is one generated client method.
type methodModel struct {
	GoName   string
	Wire     string
	Params   string // Go type name, "" when the method takes none
	Result   string // Go type name, "" when the method returns nothing
	Versions []int
	Releases []release // schema releases that have this shape of the method
	// ClientParams and ClientResult are the Go types of the params and
	// result in the clients' package ("" for none).
	ClientParams, ClientResult string
	// Shapes, for an adapter, are the method's shapes, newest first; Params
	// and Result then name neutral types when the shapes' differ.
	Shapes []*methodModel
	key    string
}

type model struct {
	schemas  map[release]*schemaFile
	order    []release // newest first, supplement last
	nodes    map[nodeKey]*node
	byName   map[string][]*node
	types    []*goType
	facades  []*facadeModel
	typeByGo map[string]*goType
	access   accessRules // exceptions to the read-only name rules
	// neutrals are the version-neutral types of the adapters, by the names
	// of their shapes; neutralList in creation order.
	neutrals    map[string]*neutralType
	neutralList []*neutralType
}

func (m *model) rank(r release) int { return slices.Index(m.order, r) }

// build resolves the facade list against the schemas.
func build(schemas []*schemaFile, list []facade) (*model, error) {
	m := &model{
		schemas:  map[release]*schemaFile{},
		nodes:    map[nodeKey]*node{},
		byName:   map[string][]*node{},
		typeByGo: map[string]*goType{},
		neutrals: map[string]*neutralType{},
	}
	for _, s := range schemas {
		if _, dup := m.schemas[s.Release]; dup {
			return nil, fmt.Errorf("two schema files for Juju %s", s.Release)
		}
		m.schemas[s.Release] = s
		m.order = append(m.order, s.Release)
	}
	// Newest release first; the supplement last.
	sort.SliceStable(m.order, func(i, j int) bool {
		a, b := m.order[i], m.order[j]
		if a == supplement || b == supplement {
			return b == supplement && a != supplement
		}
		return versionLess(b, a)
	})
	for _, f := range list {
		fm := &facadeModel{facade: f}
		for _, v := range f.Variants {
			s, ok := m.schemas[v.Release]
			if !ok {
				return nil, fmt.Errorf("facade %s: no schema for Juju %s", f.Name, v.Release)
			}
			sf, ok := s.Facades[f.Name]
			if !ok {
				return nil, fmt.Errorf("facade %s: not in schema %s", f.Name, s.Base)
			}
			vm := variantModel{variant: v, sf: sf}
			for meth := range v.Since {
				if _, ok := sf.Schema.Properties[meth]; !ok {
					return nil, fmt.Errorf("facade %s: Since names unknown method %s", f.Name, meth)
				}
			}
			fm.Variants = append(fm.Variants, vm)
			if err := m.reach(f.Name, v.Release, sf); err != nil {
				return nil, err
			}
		}
		m.facades = append(m.facades, fm)
	}
	if err := m.classify(); err != nil {
		return nil, err
	}
	for _, fm := range m.facades {
		if err := m.buildMethods(fm); err != nil {
			return nil, err
		}
	}
	m.assignFiles()
	return m, nil
}

func sortedNodeKeys(m map[nodeKey]*node) []nodeKey {
	keys := make([]nodeKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].rel != keys[j].rel {
			return keys[i].rel < keys[j].rel
		}
		return keys[i].name < keys[j].name
	})
	return keys
}

func versionLess(a, b release) bool {
	pa, pb := strings.Split(string(a), "."), strings.Split(string(b), ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}

// reach records every definition reachable from the facade's methods.
func (m *model) reach(facadeName string, rel release, sf *schemaFacade) error {
	var visit func(name string) error
	visit = func(name string) error {
		if name == "Error" {
			return nil // *Error, written by hand
		}
		key := nodeKey{rel, name}
		def, ok := sf.Schema.Definitions[name]
		if !ok {
			return fmt.Errorf("facade %s in Juju %s: missing definition %s", facadeName, rel, name)
		}
		canon := def.canonical()
		if n, ok := m.nodes[key]; ok {
			if n.canon != canon {
				return fmt.Errorf("definition %s differs between facades %s and %s in Juju %s", name, n.facades[0], facadeName, rel)
			}
			if !slices.Contains(n.facades, facadeName) {
				n.facades = append(n.facades, facadeName)
			}
			return nil
		}
		refs := map[string]bool{}
		def.refs(refs)
		n := &node{key: key, def: def, canon: canon, refs: sortedKeys(refs), facades: []string{facadeName}}
		n.shape, n.ordRefs = def.shape()
		m.nodes[key] = n
		m.byName[name] = append(m.byName[name], n)
		if _, ok := opaqueTypes[name]; ok {
			return nil
		}
		for _, r := range n.refs {
			if err := visit(r); err != nil {
				return err
			}
		}
		return nil
	}
	for _, meth := range sortedKeys(sf.Schema.Properties) {
		p := sf.Schema.Properties[meth]
		for _, k := range sortedKeys(p.Properties) {
			if k != "Params" && k != "Result" {
				return fmt.Errorf("facade %s method %s: unexpected property %s", facadeName, meth, k)
			}
			t := p.Properties[k]
			if t.Ref == "" {
				return fmt.Errorf("facade %s method %s: %s is not a reference", facadeName, meth, k)
			}
			if err := visit(t.refName()); err != nil {
				return err
			}
		}
	}
	return nil
}

// classify groups same-named definitions of different releases by deep wire
// shape (a greatest fixpoint, so recursive types compare correctly) and names
// the resulting Go types.
func (m *model) classify() error {
	// Two nodes have the same wire shape when their masked shapes are equal
	// and their references, position by position, have the same wire shape
	// (whatever the referenced definitions are called).
	type pair struct{ a, b *node }
	eq := map[pair]bool{}
	same := func(a, b *node) bool {
		if a == b {
			return true
		}
		return eq[pair{a, b}]
	}
	byShape := map[string][]*node{}
	for _, k := range sortedNodeKeys(m.nodes) {
		n := m.nodes[k]
		byShape[n.shape] = append(byShape[n.shape], n)
	}
	for _, nodes := range byShape {
		for _, a := range nodes {
			for _, b := range nodes {
				if a != b && a.key.rel != b.key.rel {
					eq[pair{a, b}] = true
				}
			}
		}
	}
	refNode := func(n *node, name string) *node { return m.nodes[nodeKey{n.key.rel, name}] }
	for changed := true; changed; {
		changed = false
		for p := range eq {
			if !eq[p] {
				continue
			}
			ok := true
			_, oa := opaqueTypes[p.a.key.name]
			_, ob := opaqueTypes[p.b.key.name]
			if oa || ob {
				ok = p.a.key.name == p.b.key.name
			}
			for i := 0; ok && i < len(p.a.ordRefs); i++ {
				ra, rb := p.a.ordRefs[i], p.b.ordRefs[i]
				if ra == "Error" || rb == "Error" {
					ok = ra == rb
					continue
				}
				ok = same(refNode(p.a, ra), refNode(p.b, rb))
			}
			if !ok {
				delete(eq, p)
				delete(eq, pair{p.b, p.a})
				changed = true
			}
		}
	}
	names := sortedKeys(m.byName)
	taken := map[string]bool{}
	for _, name := range names {
		taken[name] = true
	}
	for _, name := range names {
		nodes := m.byName[name]
		sort.Slice(nodes, func(i, j int) bool { return m.rank(nodes[i].key.rel) < m.rank(nodes[j].key.rel) })
		var classes []*goType
		for _, n := range nodes {
			var cls *goType
			for _, c := range classes {
				if same(c.rep(), n) {
					cls = c
					break
				}
			}
			if cls == nil {
				cls = &goType{Def: name}
				if o, ok := opaqueTypes[name]; ok {
					cls.Opaque = &o
				}
				classes = append(classes, cls)
			}
			cls.Nodes = append(cls.Nodes, n)
			n.goType = cls
		}
		for i, c := range classes {
			c.Name = name
			if i > 0 {
				suffix, origin, err := m.suffixFor(c)
				if err != nil {
					return err
				}
				c.Name, c.Suffixed, c.Origin = name+suffix, true, origin
				if taken[c.Name] {
					return fmt.Errorf("cannot name the Juju %s shape of %s: %s is taken", c.rep().key.rel, name, c.Name)
				}
				taken[c.Name] = true
			}
			for _, n := range c.Nodes {
				for _, f := range n.facades {
					if !slices.Contains(c.Facades, f) {
						c.Facades = append(c.Facades, f)
					}
				}
			}
			m.types = append(m.types, c)
			m.typeByGo[c.Name] = c
		}
	}
	sort.Slice(m.types, func(i, j int) bool { return m.types[i].Name < m.types[j].Name })
	return nil
}

// suffixFor names an older shape of a definition: the suffix names the
// release whose schema defines the shape, Juju<major><minor>
// (ModelInfoJuju36), whichever facade version serves it (a Juju 4.0
// controller serving ModelManager version 10 sends the Juju 3.6 shapes).
// The origin, for the type's doc comment, names the first listed facade
// using the shape and its version.
func (m *model) suffixFor(c *goType) (suffix, origin string, err error) {
	rel := c.rep().key.rel
	for _, fm := range m.facades {
		for _, v := range fm.Variants {
			if v.Release != rel || !slices.Contains(c.rep().facades, fm.Name) {
				continue
			}
			return releaseSuffix(rel), fmt.Sprintf("%s version %d (Juju %s)", fm.Name, v.sf.Version, rel), nil
		}
	}
	return "", "", fmt.Errorf("no facade uses the Juju %s shape of %s", rel, c.Def)
}

// releaseSuffix is the suffix of the names of a release's older shapes.
func releaseSuffix(rel release) string {
	return "Juju" + strings.ReplaceAll(string(rel), ".", "")
}

// buildMethods merges the methods of a facade's variants: a method whose
// param and result types are the same Go types in several variants is one
// Go method existing in all their versions. A method whose shapes differ
// becomes one adapter: a Go method existing in all the versions of all its
// shapes, taking and returning version-neutral types (see neutral), which
// sends the shape the negotiated version (and, when two releases serve one
// version in different shapes, the controller's release) calls for.
func (m *model) buildMethods(fm *facadeModel) error {
	byWire := map[string][]*methodModel{}
	var order []string
	for _, v := range fm.Variants {
		for _, name := range sortedKeys(v.sf.Schema.Properties) {
			p := v.sf.Schema.Properties[name]
			mm := &methodModel{Wire: name, GoName: name, Releases: []release{v.Release}}
			if t, ok := p.Properties["Params"]; ok {
				mm.Params = m.typeName(v.Release, t.refName())
			}
			if t, ok := p.Properties["Result"]; ok {
				mm.Result = m.typeName(v.Release, t.refName())
			}
			mm.key = mm.Params + "|" + mm.Result
			for _, ver := range v.Versions {
				if ver >= v.Since[name] {
					mm.Versions = append(mm.Versions, ver)
				}
			}
			if len(mm.Versions) == 0 {
				return fmt.Errorf("facade %s method %s: no versions left after Since", fm.Name, name)
			}
			list := byWire[name]
			merged := false
			for _, prev := range list {
				if prev.key == mm.key {
					if !slices.Contains(prev.Releases, v.Release) {
						prev.Releases = append(prev.Releases, v.Release)
					}
					for _, ver := range mm.Versions {
						if !slices.Contains(prev.Versions, ver) {
							prev.Versions = append(prev.Versions, ver)
						}
					}
					slices.Sort(prev.Versions)
					merged = true
					break
				}
			}
			if merged {
				continue
			}
			if len(list) == 0 {
				order = append(order, name)
			}
			byWire[name] = append(list, mm)
		}
	}
	for _, name := range order {
		shapes := byWire[name]
		if len(shapes) == 1 {
			mm := shapes[0]
			mm.ClientParams, mm.ClientResult = m.clientType(mm.Params), m.clientType(mm.Result)
			fm.Methods = append(fm.Methods, mm)
			continue
		}
		a := &methodModel{Wire: name, GoName: name, Shapes: shapes}
		// The shapes keep Go names of their own for the simulator's
		// servers: the newest the wire name, the older ones its release's
		// suffix.
		for i, sh := range shapes {
			if i > 0 {
				sh.GoName = name + releaseSuffix(sh.Releases[0])
			}
		}
		var params, results []string
		for _, sh := range shapes {
			for _, r := range sh.Releases {
				if !slices.Contains(a.Releases, r) {
					a.Releases = append(a.Releases, r)
				}
			}
			for _, ver := range sh.Versions {
				if !slices.Contains(a.Versions, ver) {
					a.Versions = append(a.Versions, ver)
				}
			}
			params = append(params, sh.Params)
			results = append(results, sh.Result)
			sh.ClientParams, sh.ClientResult = m.clientType(sh.Params), m.clientType(sh.Result)
		}
		slices.Sort(a.Versions)
		var err error
		if a.ClientParams, a.Params, err = m.neutralOf(params); err != nil {
			return fmt.Errorf("facade %s method %s params: %w", fm.Name, name, err)
		}
		if a.ClientResult, a.Result, err = m.neutralOf(results); err != nil {
			return fmt.Errorf("facade %s method %s result: %w", fm.Name, name, err)
		}
		fm.Methods = append(fm.Methods, a)
	}
	sort.SliceStable(fm.Methods, func(i, j int) bool { return fm.Methods[i].GoName < fm.Methods[j].GoName })
	return nil
}

// shapeMethods returns the facade's methods with each adapter replaced by
// its shapes (the simulator serves every shape), sorted by Go name.
func (fm *facadeModel) shapeMethods() []*methodModel {
	var out []*methodModel
	for _, mm := range fm.Methods {
		if len(mm.Shapes) == 0 {
			out = append(out, mm)
			continue
		}
		out = append(out, mm.Shapes...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].GoName < out[j].GoName })
	return out
}

// clientType is the Go type, in the clients' package, of a params or result
// type name of package facades ("" for none).
func (m *model) clientType(name string) string {
	switch name {
	case "":
		return ""
	case "Error":
		return "*facades.Error"
	}
	return "facades." + name
}

// neutralOf returns the client Go type, and the type name, that stands for
// the params (or results) of several shapes of one method: the facades type
// when they all have the same, "" when none has any, otherwise a neutral
// type.
func (m *model) neutralOf(names []string) (clientGo, name string, err error) {
	var distinct []string
	for _, n := range names {
		if !slices.Contains(distinct, n) {
			distinct = append(distinct, n)
		}
	}
	if len(distinct) == 1 {
		return m.clientType(distinct[0]), distinct[0], nil
	}
	var members []*goType
	for _, n := range distinct {
		g, ok := m.typeByGo[n]
		if !ok || g.Opaque != nil {
			return "", "", fmt.Errorf("shapes %s cannot be merged", strings.Join(distinct, ", "))
		}
		members = append(members, g)
	}
	u, err := m.neutral(members)
	if err != nil {
		return "", "", err
	}
	return u.Name, u.Name, nil
}

// neutralType is a version-neutral type of the clients' package: every
// field of every shape of a wire type (the newest shape's tag where shapes
// share a field), so that it decodes whichever shape the controller sends,
// and converts to whichever shape a request must have.
type neutralType struct {
	Name    string
	Members []*goType // newest first
	Fields  []field   // GoType in the clients' package
}

// neutral returns the neutral type of shapes (newest first), building it and
// the neutral types of the fields where the shapes differ.
func (m *model) neutral(members []*goType) (*neutralType, error) {
	var names []string
	for _, g := range members {
		names = append(names, g.Name)
	}
	key := strings.Join(names, "|")
	if u, ok := m.neutrals[key]; ok {
		return u, nil
	}
	u := &neutralType{Name: members[0].Def, Members: members}
	for _, other := range m.neutralList {
		if other.Name == u.Name {
			return nil, fmt.Errorf("two neutral types named %s (%s and %s)", u.Name, key, strings.Join(func() []string {
				var n []string
				for _, g := range other.Members {
					n = append(n, g.Name)
				}
				return n
			}(), "|"))
		}
	}
	m.neutrals[key] = u
	m.neutralList = append(m.neutralList, u)
	byName := map[string][]field{}
	var order []string
	for _, g := range members {
		fields, err := m.fields(g)
		if err != nil {
			return nil, err
		}
		for _, f := range fields {
			key := f.GoName
			if g, ok := m.typeByGo[f.GoType]; ok && f.Embedded {
				key = "embedded " + g.Def // one embedded field per definition
			}
			if _, ok := byName[key]; !ok {
				order = append(order, key)
			}
			byName[key] = append(byName[key], f)
		}
	}
	for _, name := range order {
		fs := byName[name]
		f := fs[0]
		typ, err := m.neutralField(fs)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", u.Name, name, err)
		}
		f.GoType = typ
		if f.Embedded {
			f.GoName = strings.TrimPrefix(typ, "facades.")
		}
		// A field some shape lacks is optional in the neutral type.
		if len(fs) < len(members) && !f.Embedded {
			f.Optional = true
		}
		u.Fields = append(u.Fields, f)
	}
	sort.SliceStable(u.Fields, func(i, j int) bool {
		a, b := u.Fields[i], u.Fields[j]
		if a.Embedded != b.Embedded {
			return a.Embedded
		}
		return a.GoName < b.GoName
	})
	return u, nil
}

// neutralField is the client Go type of one field of several shapes: the
// shapes' own type when they agree, otherwise the same composite of the
// neutral type of their element types.
func (m *model) neutralField(fs []field) (string, error) {
	var prefixes, bases []string
	for _, f := range fs {
		p, b := splitType(f.GoType)
		prefixes = append(prefixes, p)
		if !slices.Contains(bases, b) {
			bases = append(bases, b)
		}
	}
	for _, p := range prefixes[1:] {
		if p != prefixes[0] {
			return "", fmt.Errorf("shapes disagree on the type (%s)", fs[0].GoType)
		}
	}
	if len(bases) == 1 {
		return prefixes[0] + m.qualify(bases[0]), nil
	}
	var members []*goType
	for _, b := range bases {
		g, ok := m.typeByGo[b]
		if !ok || g.Opaque != nil {
			return "", fmt.Errorf("shapes disagree on the type (%s)", strings.Join(bases, ", "))
		}
		members = append(members, g)
	}
	u, err := m.neutral(members)
	if err != nil {
		return "", err
	}
	return prefixes[0] + u.Name, nil
}

// splitType splits a field's Go type into its composite prefix ("[]", "*",
// "map[string]" and combinations) and its base type.
func splitType(t string) (prefix, base string) {
	for {
		switch {
		case strings.HasPrefix(t, "[]"), strings.HasPrefix(t, "*"):
			n := 1
			if t[0] == '[' {
				n = 2
			}
			prefix, t = prefix+t[:n], t[n:]
		case strings.HasPrefix(t, "map[string]"):
			prefix, t = prefix+"map[string]", t[len("map[string]"):]
		default:
			return prefix, t
		}
	}
}

// qualify names a base type of package facades from the clients' package.
func (m *model) qualify(base string) string {
	if _, ok := m.typeByGo[base]; ok || base == "Error" {
		return "facades." + base
	}
	return base
}

func (m *model) typeName(rel release, def string) string {
	if def == "Error" {
		return "Error"
	}
	return m.nodes[nodeKey{rel, def}].goType.Name
}

// assignFiles puts each type used by one facade into that facade's file;
// shared types go to types.go.
func (m *model) assignFiles() {
	byName := map[string]*facadeModel{}
	for _, fm := range m.facades {
		byName[fm.Name] = fm
	}
	for _, t := range m.types {
		if len(t.Facades) == 1 {
			fm := byName[t.Facades[0]]
			fm.Types = append(fm.Types, t)
		}
	}
}

// supportedVersions is the union of the versions of each facade.
func (m *model) supportedVersions() map[string][]int {
	out := map[string][]int{}
	for _, fm := range m.facades {
		var vs []int
		for _, v := range fm.Variants {
			for _, ver := range v.Versions {
				if !slices.Contains(vs, ver) {
					vs = append(vs, ver)
				}
			}
		}
		slices.Sort(vs)
		out[fm.Name] = vs
	}
	return out
}
