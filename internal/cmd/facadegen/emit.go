package main

import (
	"bytes"
	"fmt"
	"go/format"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// file is one generated Go source file.
type file struct {
	Name string
	Src  []byte
}

// field is one generated struct field.
type field struct {
	GoName   string
	GoType   string
	Key      string
	Optional bool
	Embedded bool
}

// initialisms are written in upper case in Go names.
var initialisms = map[string]bool{
	"api": true, "ca": true, "cidr": true, "cpu": true, "dns": true, "http": true,
	"https": true, "id": true, "ip": true, "json": true, "lxd": true, "mac": true,
	"mtu": true, "os": true, "sla": true, "ssh": true, "tls": true, "ttl": true,
	"uri": true, "url": true, "uuid": true, "vlan": true, "yaml": true,
}

// goFieldName derives a Go field name from a wire key: keys that are already
// Go names (untagged upstream fields such as "CharmName") stay as they are;
// kebab-case keys become CamelCase with initialisms in upper case.
func goFieldName(def, key string) string {
	if n, ok := fieldNames[def+"."+key]; ok {
		used["fieldNames "+def+"."+key] = true
		return n
	}
	if n, ok := fieldNames["*."+key]; ok {
		used["fieldNames *."+key] = true
		return n
	}
	if !strings.ContainsAny(key, "-_") && unicode.IsUpper(rune(key[0])) {
		return key
	}
	var b strings.Builder
	for _, part := range strings.FieldsFunc(key, func(r rune) bool { return r == '-' || r == '_' }) {
		if initialisms[strings.ToLower(part)] {
			b.WriteString(strings.ToUpper(part))
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// used records which entries of the override tables matched a property, so
// that stale entries are reported.
var used = map[string]bool{}

// lookup reports whether table has an entry for def.key (or *.key when
// wildcard is allowed) and records its use.
func lookup(name string, table map[string]bool, def, key string, wildcard bool) bool {
	if table[def+"."+key] {
		used[name+" "+def+"."+key] = true
		return true
	}
	if wildcard && table["*."+key] {
		used[name+" *."+key] = true
		return true
	}
	return false
}

// checkTables reports override table entries that matched no property.
func checkTables() error {
	var stale []string
	for name, table := range map[string]map[string]bool{"durationFields": durationFields, "bytesFields": bytesFields, "pointerFields": pointerFields} {
		for k := range table {
			if !used[name+" "+k] {
				stale = append(stale, name+" "+k)
			}
		}
	}
	for k := range fieldNames {
		if !used["fieldNames "+k] {
			stale = append(stale, "fieldNames "+k)
		}
	}
	if len(stale) > 0 {
		sort.Strings(stale)
		return fmt.Errorf("override entries match no property: %s", strings.Join(stale, ", "))
	}
	return nil
}

func isDuration(def, key string) bool {
	return lookup("durationFields", durationFields, def, key, true)
}

// fieldType maps a property's schema to a Go type.
func (m *model) fieldType(rel release, def, key string, t *jsType, optional bool) (string, error) {
	ptr := func(typ string) string {
		if lookup("pointerFields", pointerFields, def, key, optional) {
			return "*" + typ
		}
		return typ
	}
	switch {
	case t.Ref != "":
		name := t.refName()
		if name == "Error" {
			return "*Error", nil
		}
		n, ok := m.nodes[nodeKey{rel, name}]
		if !ok {
			return "", fmt.Errorf("%s.%s: unknown reference %s", def, key, name)
		}
		if optional && n.goType.Opaque == nil {
			return "*" + n.goType.Name, nil
		}
		return n.goType.Name, nil
	case t.Type == "string":
		if t.Format == "date-time" {
			// Always a pointer: the server sends null for unset times even
			// where the schema says required (status "since").
			return "*time.Time", nil
		}
		if t.Format != "" {
			return "", fmt.Errorf("%s.%s: unknown string format %q", def, key, t.Format)
		}
		return ptr("string"), nil
	case t.Type == "integer":
		if isDuration(def, key) {
			if optional {
				return "*time.Duration", nil
			}
			return ptr("time.Duration"), nil
		}
		return ptr("int"), nil
	case t.Type == "number":
		return ptr("float64"), nil
	case t.Type == "boolean":
		return ptr("bool"), nil
	case t.Type == "array":
		if t.Items == nil {
			return "", fmt.Errorf("%s.%s: array without items", def, key)
		}
		if lookup("bytesFields", bytesFields, def, key, true) {
			if t.Items.Type != "integer" {
				return "", fmt.Errorf("%s.%s: listed in bytesFields but not an integer array", def, key)
			}
			return "[]byte", nil
		}
		elem, err := m.fieldType(rel, def, key+"[]", t.Items, false)
		if err != nil {
			return "", err
		}
		return "[]" + elem, nil
	case t.Type == "object":
		if len(t.Properties) > 0 {
			return "", fmt.Errorf("%s.%s: inline object types are not supported", def, key)
		}
		if len(t.PatternProperties) == 1 {
			for _, v := range t.PatternProperties {
				elem, err := m.fieldType(rel, def, key+"{}", v, false)
				if err != nil {
					return "", err
				}
				return "map[string]" + elem, nil
			}
		}
		if len(t.PatternProperties) > 1 {
			return "", fmt.Errorf("%s.%s: several pattern properties", def, key)
		}
		if t.additionalAny() {
			// The schema generator's rendering of a Go interface{}: any JSON
			// value (string, number, bool, list or object) on the wire.
			return "any", nil
		}
		return "", fmt.Errorf("%s.%s: object without properties", def, key)
	}
	return "", fmt.Errorf("%s.%s: unsupported schema %s", def, key, t.canonical())
}

// fields returns the struct fields of a type, embedded types first.
func (m *model) fields(g *goType) ([]field, error) {
	n := g.rep()
	def := n.def
	required := map[string]bool{}
	for _, r := range def.Required {
		required[r] = true
	}
	// Embedded structs: a property named after the definition it refers to.
	// Juju's schema generator names an embedded Go field after its type, and
	// encoding/json sends an embedded struct's fields flat. Most such
	// definitions also list those fields flattened; some (CloudInfo and
	// ListCloudInfo of the Cloud facade, whose Go field is tagged
	// `json:",inline"`) list only the nesting property, but the server sends
	// them flat all the same (testdata/conformance/juju-4.0-wave2/clouds.jsonl).
	fromEmbedded := map[string]bool{}
	var out []field
	for _, key := range sortedKeys(def.Properties) {
		p := def.Properties[key]
		if p.Ref == "" || p.refName() != key || key == "Error" {
			continue
		}
		target, ok := m.nodes[nodeKey{n.key.rel, key}]
		if !ok || target.goType.Opaque != nil || len(target.def.Properties) == 0 {
			continue
		}
		for k := range target.def.Properties {
			if _, ok := def.Properties[k]; ok {
				fromEmbedded[k] = true
			}
		}
		out = append(out, field{GoName: target.goType.Name, GoType: target.goType.Name, Embedded: true})
	}
	embedded := len(out)
	names := map[string]string{}
	for _, f := range out {
		names[f.GoName] = f.GoType
	}
	for _, key := range sortedKeys(def.Properties) {
		if fromEmbedded[key] {
			continue
		}
		p := def.Properties[key]
		if p.Ref != "" && p.refName() == key && slices.ContainsFunc(out[:embedded], func(f field) bool { return f.GoName == m.nodes[nodeKey{n.key.rel, key}].goType.Name }) {
			continue
		}
		opt := !required[key]
		typ, err := m.fieldType(n.key.rel, g.Def, key, p, opt)
		if err != nil {
			return nil, err
		}
		name := goFieldName(g.Def, key)
		if prev, dup := names[name]; dup {
			return nil, fmt.Errorf("%s: two fields named %s (%s)", g.Def, name, prev)
		}
		names[name] = key
		out = append(out, field{GoName: name, GoType: typ, Key: key, Optional: opt})
	}
	sort.SliceStable(out[embedded:], func(i, j int) bool { return out[embedded+i].GoName < out[embedded+j].GoName })
	return out, nil
}

// emitType writes one type declaration.
func (m *model) emitType(b *bytes.Buffer, g *goType) error {
	fmt.Fprintf(b, "// %s %s\n", g.Name, m.typeDoc(g))
	if g.Opaque != nil {
		if g.Opaque.Defined {
			fmt.Fprintf(b, "type %s %s\n\n", g.Name, g.Opaque.GoType)
		} else {
			fmt.Fprintf(b, "type %s = %s\n\n", g.Name, g.Opaque.GoType)
		}
		return nil
	}
	fields, err := m.fields(g)
	if err != nil {
		return err
	}
	if len(fields) == 0 {
		fmt.Fprintf(b, "type %s struct{}\n\n", g.Name)
		return nil
	}
	fmt.Fprintf(b, "type %s struct {\n", g.Name)
	for _, f := range fields {
		if f.Embedded {
			fmt.Fprintf(b, "\t%s\n", f.GoType)
			continue
		}
		tag := f.Key
		if f.Optional {
			tag += ",omitempty"
		}
		fmt.Fprintf(b, "\t%s %s `json:%s`\n", f.GoName, f.GoType, strconv.Quote(tag))
	}
	b.WriteString("}\n\n")
	return nil
}

func (m *model) typeDoc(g *goType) string {
	if g.Opaque != nil {
		return g.Opaque.Doc
	}
	var rels []string
	for _, n := range g.Nodes {
		if n.key.rel == supplement {
			continue
		}
		r := string(n.key.rel)
		if !slices.Contains(rels, r) {
			rels = append(rels, r)
		}
	}
	where := "the " + joinAnd(g.Facades) + " facade"
	if len(g.Facades) > 1 {
		where += "s"
	}
	if g.Suffixed {
		return fmt.Sprintf("is the shape of %s that %s uses; the newer shape is %s.", g.Def, g.Origin, g.Def)
	}
	s := fmt.Sprintf("is the wire type %s of %s", g.Def, where)
	if len(rels) > 0 {
		s += " (Juju " + joinAnd(rels) + ")"
	}
	return s + "."
}

func joinAnd(list []string) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
}

// versionsText renders a version list for documentation.
func versionsText(vs []int) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.Itoa(v)
	}
	if len(s) == 1 {
		return "version " + s[0]
	}
	return "versions " + joinAnd(s)
}

func intsLiteral(vs []int) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.Itoa(v)
	}
	return "[]int{" + strings.Join(s, ", ") + "}"
}

// writeDoc writes text as a Go comment, dropping TODO paragraphs.
func writeDoc(b *bytes.Buffer, text string) {
	text = strings.ReplaceAll(text, "\r", "")
	var paras []string
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if strings.Contains(p, "TODO") || strings.Contains(p, "FIXME") || strings.TrimSpace(p) == "" {
			continue
		}
		paras = append(paras, p)
	}
	for i, p := range paras {
		if i > 0 {
			b.WriteString("//\n")
		}
		for _, line := range strings.Split(p, "\n") {
			line = strings.TrimRight(line, " \t")
			if line == "" {
				b.WriteString("//\n")
				continue
			}
			b.WriteString("// " + line + "\n")
		}
	}
}

// emitFacade writes one facade's client file and, when the facade has types
// of its own, its wire types' file.
func (m *model) emitFacade(fm *facadeModel, header string) (client file, types *file, err error) {
	var b bytes.Buffer
	var all []int
	for _, v := range fm.Variants {
		for _, ver := range v.Versions {
			if !slices.Contains(all, ver) {
				all = append(all, ver)
			}
		}
	}
	slices.Sort(all)
	cname := fm.Name + "Client"
	fmt.Fprintf(&b, "// %s calls the %s facade (%s).\n", cname, fm.Name, versionsText(all))
	if fm.WatcherID {
		fmt.Fprintf(&b, "// Its calls take the watcher id returned by the call that created the watcher.\n")
	}
	b.WriteString("// It is safe for concurrent use when its Caller is.\n")
	fmt.Fprintf(&b, "type %s struct {\n\tcaller Caller\n}\n\n", cname)
	fmt.Fprintf(&b, "// New%s returns a client for the %s facade that calls through c.\n", cname, fm.Name)
	fmt.Fprintf(&b, "func New%s(c Caller) *%s {\n\treturn &%s{caller: c}\n}\n\n", cname, cname, cname)
	for _, mm := range fm.Methods {
		fmt.Fprintf(&b, "// %s calls %s.%s, which exists in facade %s.\n", mm.GoName, fm.Name, mm.Wire, versionsText(mm.Versions))
		if note := m.methodNote(fm, mm); note != "" {
			fmt.Fprintf(&b, "// %s\n", note)
		}
		if len(mm.Shapes) > 0 {
			writeDoc(&b, wrap(m.shapesNote(mm), 76))
		}
		args := "ctx context.Context"
		id := `""`
		if fm.WatcherID {
			args += ", id string"
			id = "id"
		}
		params := "nil"
		if mm.ClientParams != "" {
			args += ", args " + mm.ClientParams
			params = "args"
		}
		var call string
		if len(mm.Shapes) == 0 {
			call = fmt.Sprintf("call(ctx, c.caller, %q, %q, %s, %s, %s", fm.Name, mm.Wire, id, intsLiteral(mm.Versions), params)
		} else {
			var sb strings.Builder
			fmt.Fprintf(&sb, "callShape(ctx, c.caller, %q, %q, %s, []shape{\n", fm.Name, mm.Wire, id)
			for _, sh := range mm.Shapes {
				var rels []string
				for _, r := range sh.Releases {
					rels = append(rels, strconv.Quote(string(r)))
				}
				fmt.Fprintf(&sb, "{versions: %s, releases: []string{%s}", intsLiteral(sh.Versions), strings.Join(rels, ", "))
				if sh.ClientParams != mm.ClientParams {
					fmt.Fprintf(&sb, ", params: %q, convert: reshape[%s]", sh.Params, sh.ClientParams)
				}
				sb.WriteString("},\n")
			}
			fmt.Fprintf(&sb, "}, %s", params)
			call = sb.String()
		}
		if mm.ClientResult == "" {
			fmt.Fprintf(&b, "func (c *%s) %s(%s) error {\n", cname, mm.GoName, args)
			fmt.Fprintf(&b, "\treturn %s, nil)\n}\n\n", call)
			continue
		}
		res := mm.ClientResult
		fmt.Fprintf(&b, "func (c *%s) %s(%s) (%s, error) {\n", cname, mm.GoName, args, res)
		fmt.Fprintf(&b, "\tvar result %s\n", res)
		fmt.Fprintf(&b, "\terr := %s, &result)\n", call)
		b.WriteString("\treturn result, err\n}\n\n")
	}
	name := strings.ToLower(fm.Name) + ".go"
	client, err = finish(clientDir+"/"+name, header, b.Bytes())
	if err != nil || len(fm.Types) == 0 {
		return client, nil, err
	}
	var tb bytes.Buffer
	for _, t := range fm.Types {
		if err := m.emitType(&tb, t); err != nil {
			return file{}, nil, err
		}
	}
	tf, err := finish(name, header, tb.Bytes())
	return client, &tf, err
}

// methodNote says which releases' shapes a method has, when that is not
// every release of the facade.
func (m *model) methodNote(fm *facadeModel, mm *methodModel) string {
	var all []release
	for _, v := range fm.Variants {
		if v.Release != supplement && !slices.Contains(all, v.Release) {
			all = append(all, v.Release)
		}
	}
	var rels []string
	for _, r := range mm.Releases {
		if r != supplement {
			rels = append(rels, string(r))
		}
	}
	if len(rels) == 0 || len(rels) == len(all) {
		return ""
	}
	return fmt.Sprintf("Only the Juju %s schema has it.", joinAnd(rels))
}

// shapesNote documents an adapter's shapes.
func (m *model) shapesNote(mm *methodModel) string {
	var parts []string
	for _, sh := range mm.Shapes {
		var what []string
		if sh.ClientParams != mm.ClientParams {
			what = append(what, "sends "+sh.ClientParams)
		}
		if sh.ClientResult != mm.ClientResult {
			what = append(what, "answers "+sh.ClientResult)
		}
		if len(what) == 0 {
			continue
		}
		var rels []string
		for _, r := range sh.Releases {
			rels = append(rels, "Juju "+string(r))
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", joinAnd(what), versionsText(sh.Versions)+" in "+joinAnd(rels)))
	}
	s := "Its shape differs between versions or releases; it sends the one the controller speaks: " + strings.Join(parts, "; ") + "."
	if mm.ClientParams != "" && !strings.HasPrefix(mm.ClientParams, "facades.") {
		s += " The neutral " + mm.ClientParams + " holds the fields of every shape; each shape sends its own."
	}
	if mm.ClientResult != "" && !strings.HasPrefix(mm.ClientResult, "facades.") {
		s += " The answer of any shape decodes into the neutral " + mm.ClientResult + "."
	}
	return s
}

// wrap breaks text into lines of at most width characters (longer words
// stay whole).
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(text) {
		switch {
		case n == 0:
		case n+1+len(w) > width:
			b.WriteString("\n")
			n = 0
		default:
			b.WriteString(" ")
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

// emitNeutral writes one neutral type.
func (m *model) emitNeutral(b *bytes.Buffer, u *neutralType) {
	var names []string
	for _, g := range u.Members {
		names = append(names, "facades."+g.Name)
	}
	writeDoc(b, wrap(fmt.Sprintf("%s is the version-neutral form of %s: the fields of every shape, so that it decodes whichever shape the controller sends and converts to the shape a request must have (fields a shape lacks are dropped).", u.Name, joinAnd(names)), 76))
	if len(u.Fields) == 0 {
		fmt.Fprintf(b, "type %s struct{}\n\n", u.Name)
		return
	}
	fmt.Fprintf(b, "type %s struct {\n", u.Name)
	for _, f := range u.Fields {
		if f.Embedded {
			fmt.Fprintf(b, "\t%s\n", f.GoType)
			continue
		}
		tag := f.Key
		if f.Optional {
			tag += ",omitempty"
		}
		fmt.Fprintf(b, "\t%s %s `json:%s`\n", f.GoName, f.GoType, strconv.Quote(tag))
	}
	b.WriteString("}\n\n")
}

var importUses = []struct {
	path string
	re   *regexp.Regexp
}{
	{"context", regexp.MustCompile(`\bcontext\.Context\b`)},
	{"encoding/json", regexp.MustCompile(`\bjson\.RawMessage\b`)},
	{"errors", regexp.MustCompile(`\berrors\.[A-Z]`)},
	{"fmt", regexp.MustCompile(`\bfmt\.[A-Z]`)},
	{"slices", regexp.MustCompile(`\bslices\.[A-Z]`)},
	{"strconv", regexp.MustCompile(`\bstrconv\.[A-Z]`)},
	{"strings", regexp.MustCompile(`\bstrings\.[A-Z]`)},
	{"time", regexp.MustCompile(`(?m)^[^/]*\btime\.[A-Z]`)},
	{facadesImport, regexp.MustCompile(`(?m)^[^/]*\bfacades\.[A-Z]`)},
}

// finish adds the header, package clause and imports, and formats.
func finish(name, header string, body []byte) (file, error) {
	return finishDoc(name, header, "", body)
}

// finishDoc is finish with a package doc comment. The package is apiclient
// for files under clientDir, facades otherwise.
func finishDoc(name, header, pkgDoc string, body []byte) (file, error) {
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("\n\n")
	b.WriteString(pkgDoc)
	pkg := "facades"
	if strings.HasPrefix(name, clientDir+"/") {
		pkg = clientDir
	}
	b.WriteString("package " + pkg + "\n\n")
	var std, other []string
	for _, u := range importUses {
		if u.re.Match(body) {
			if strings.Contains(u.path, ".") {
				other = append(other, u.path)
			} else {
				std = append(std, u.path)
			}
		}
	}
	if len(std)+len(other) > 0 {
		b.WriteString("import (\n")
		for _, p := range std {
			fmt.Fprintf(&b, "\t%q\n", p)
		}
		if len(std) > 0 && len(other) > 0 {
			b.WriteString("\n")
		}
		for _, p := range other {
			fmt.Fprintf(&b, "\t%q\n", p)
		}
		b.WriteString(")\n\n")
	}
	b.Write(body)
	src, err := format.Source(b.Bytes())
	if err != nil {
		return file{Name: name, Src: b.Bytes()}, fmt.Errorf("cannot format %s: %w", name, err)
	}
	return file{Name: name, Src: src}, nil
}
