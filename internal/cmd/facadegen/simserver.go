package main

// This file generates the simulator's side of the facades into package
// jujusim/internal/core:
//
//   - server_gen.go: for every facade of facadeList but Admin, an interface
//     <facade>Server with one method per wire shape (the Go names, params and
//     results of the generated client), the facadeServers struct holding one
//     implementation of each, and the dispatch tables of Juju 4.0 and 3.6
//     mode: facade -> wire method -> the version ranges served and the shape
//     each range decodes into;
//   - unimplemented_gen.go: for every facade with methods the simulator does
//     not implement, unimplemented<Facade> with those methods, which answer
//     "not supported" naming facade, version and method. The implementation
//     of a facade (<facade>Facade in package core) embeds it; which methods
//     it implements is read from the package's source, so an unimplemented
//     method is a fact the compiler checks and this file lists.

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// simDir is, relative to the module root, the package the simulator's
// facade servers are generated into.
const simDir = "jujusim/internal/core"

// simRule restricts where the simulator serves one method, beyond what the
// schemas say.
type simRule struct {
	minV, maxV int  // lowest and highest facade version served (0 = any)
	major      int  // 3 or 4: served only when impersonating that Juju major version
	nolock     bool // the implementation does its own locking (blocking calls)
}

// simRules are the simulator's serving rules by "Facade.Method" (wire
// name). A method without a rule is served at every version of its facade
// the controller offers, with the controller lock held.
var simRules = map[string]simRule{
	"Controller.DashboardConnectionInfo": {major: 4},
	"Controller.WatchAllModels":          {major: 4},
	"HighAvailability.ControllerDetails": {minV: 3},
	"ModelConfig.GetModelSecretBackend":  {minV: 4},
	"ModelConfig.SetModelSecretBackend":  {minV: 4},
	"Secrets.CreateSecrets":              {minV: 2},
	"Secrets.UpdateSecrets":              {minV: 2},
	"Secrets.RemoveSecrets":              {minV: 2},
	"Secrets.GrantSecret":                {minV: 2},
	"Secrets.RevokeSecret":               {minV: 2},
	"AllWatcher.Next":                    {nolock: true},
	"AllWatcher.Stop":                    {nolock: true},
	"NotifyWatcher.Next":                 {nolock: true},
	"NotifyWatcher.Stop":                 {nolock: true},
	"StringsWatcher.Next":                {nolock: true},
	"StringsWatcher.Stop":                {nolock: true},
}

// simModes are the Juju versions the simulator impersonates, with the
// schema release whose shapes each prefers.
var simModes = []struct {
	table string
	rel   release
	major int
}{
	{"dispatch40", juju40, 4},
	{"dispatch36", juju36, 3},
}

// simRange is one version range of a wire method in one mode and the
// method shape serving it.
type simRange struct {
	lo, hi int // 0 = open
	mm     *methodModel
}

// generateSim returns the generated files of the simulator's facade
// servers. implDir is the package holding the implementations.
func generateSim(paths []string, supplementPath, implDir string) ([]file, error) {
	m, err := loadModel(paths, supplementPath)
	if err != nil {
		return nil, err
	}
	impl, err := implementedMethods(implDir)
	if err != nil {
		return nil, err
	}
	return m.emitSim(impl)
}

// simFacades are the facades the simulator has a server interface for.
func (m *model) simFacades() []*facadeModel {
	var out []*facadeModel
	for _, fm := range m.facades {
		if fm.Name != "Admin" {
			out = append(out, fm)
		}
	}
	return out
}

// lowerFirst lower-cases the leading capitals of s, keeping the last one
// when a lower-case letter follows it ("SSHClient" -> "sshClient").
func lowerFirst(s string) string {
	r := []rune(s)
	n := 0
	for n < len(r) && unicode.IsUpper(r[n]) {
		n++
	}
	if n > 1 && n < len(r) {
		n--
	}
	for i := range n {
		r[i] = unicode.ToLower(r[i])
	}
	return string(r)
}

func implType(facade string) string         { return lowerFirst(facade) + "Facade" }
func unimplType(facade string) string       { return "unimplemented" + facade }
func serverIface(facade string) string      { return lowerFirst(facade) + "Server" }
func callFunc(facade, goName string) string { return "call" + facade + goName }

// implementedMethods reads the non-test, non-generated Go files of dir and
// returns, by receiver type name, the methods declared on it.
func implementedMethods(dir string) (map[string]map[string]bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	out := map[string]map[string]bool{}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") || strings.HasSuffix(n, "_gen.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
				continue
			}
			t := fd.Recv.List[0].Type
			if st, ok := t.(*ast.StarExpr); ok {
				t = st.X
			}
			id, ok := t.(*ast.Ident)
			if !ok {
				continue
			}
			if out[id.Name] == nil {
				out[id.Name] = map[string]bool{}
			}
			out[id.Name][fd.Name.Name] = true
		}
	}
	return out, nil
}

// simSignature returns the parameter list and result list of a server
// method, and its zero result.
func (m *model) simSignature(mm *methodModel) (params, results, zero string) {
	params = "cx *callCtx"
	if mm.Params != "" {
		params += ", _ " + m.simType(mm.Params)
	}
	if mm.Result == "" {
		return params, "error", ""
	}
	t := m.simType(mm.Result)
	return params, "(" + t + ", error)", t + "{}"
}

// simType is the Go type, in package core, of a generated wire type.
func (m *model) simType(name string) string {
	if name == "Error" {
		return "*facades.Error"
	}
	return "facades." + name
}

// simRanges returns the version ranges of wire method wire of fm in a mode
// preferring release rel: each version any shape has goes to the shape of
// rel that has it, else to another shape that has it; consecutive versions
// with the same shape form a range, and the first and last ranges are open.
func simRanges(fm *facadeModel, wire string, rel release) []simRange {
	var shapes []*methodModel
	for _, mm := range fm.shapeMethods() {
		if mm.Wire == wire {
			shapes = append(shapes, mm)
		}
	}
	byVersion := map[int]*methodModel{}
	var versions []int
	for _, mm := range shapes {
		for _, v := range mm.Versions {
			cur, ok := byVersion[v]
			if !ok {
				versions = append(versions, v)
			}
			if !ok || (!slices.Contains(cur.Releases, rel) && slices.Contains(mm.Releases, rel)) {
				byVersion[v] = mm
			}
		}
	}
	sort.Ints(versions)
	var out []simRange
	for _, v := range versions {
		mm := byVersion[v]
		if n := len(out); n > 0 && out[n-1].mm == mm {
			out[n-1].hi = v
			continue
		}
		out = append(out, simRange{lo: v, hi: v, mm: mm})
	}
	for i := range out {
		if i+1 < len(out) {
			out[i].hi = out[i+1].lo - 1
		}
	}
	out[0].lo = 0
	out[len(out)-1].hi = 0
	return out
}

// applyRule narrows ranges to the rule's versions; it returns nil when the
// rule excludes the mode or every version.
func applyRule(ranges []simRange, r simRule, major int) []simRange {
	if r.major != 0 && r.major != major {
		return nil
	}
	var out []simRange
	for _, rg := range ranges {
		if r.minV != 0 && (rg.lo == 0 || rg.lo < r.minV) {
			if rg.hi != 0 && rg.hi < r.minV {
				continue
			}
			rg.lo = r.minV
		}
		if r.maxV != 0 && (rg.hi == 0 || rg.hi > r.maxV) {
			if rg.lo > r.maxV {
				continue
			}
			rg.hi = r.maxV
		}
		out = append(out, rg)
	}
	return out
}

func (m *model) emitSim(impl map[string]map[string]bool) ([]file, error) {
	facadeNames := map[string]bool{}
	for _, fm := range m.simFacades() {
		facadeNames[fm.Name] = true
	}
	for key := range simRules {
		f, meth, _ := strings.Cut(key, ".")
		if !facadeNames[f] {
			return nil, fmt.Errorf("simRules: unknown facade in %q", key)
		}
		found := false
		for _, fm := range m.facades {
			for _, mm := range fm.shapeMethods() {
				found = found || (fm.Name == f && mm.Wire == meth)
			}
		}
		if !found {
			return nil, fmt.Errorf("simRules: unknown method %q", key)
		}
	}
	var srv, un bytes.Buffer
	srv.WriteString("// facadeServers holds the simulator's implementation of every facade\n")
	srv.WriteString("// it has a server interface for.\n")
	srv.WriteString("type facadeServers struct {\n")
	for _, fm := range m.simFacades() {
		fmt.Fprintf(&srv, "\t%s %s\n", fm.Name, serverIface(fm.Name))
	}
	srv.WriteString("}\n\n")
	var unimplemented []string
	for _, fm := range m.simFacades() {
		fmt.Fprintf(&srv, "// %s is the %s facade as the simulator serves it: one method\n", serverIface(fm.Name), fm.Name)
		srv.WriteString("// per wire shape, with the generated client's names and types.\n")
		fmt.Fprintf(&srv, "type %s interface {\n", serverIface(fm.Name))
		for _, mm := range fm.shapeMethods() {
			p, r, _ := m.simSignature(mm)
			fmt.Fprintf(&srv, "\t%s(%s) %s\n", mm.GoName, p, r)
		}
		srv.WriteString("}\n\n")
		have := impl[implType(fm.Name)]
		var missing []*methodModel
		for _, mm := range fm.shapeMethods() {
			if !have[mm.GoName] {
				missing = append(missing, mm)
			}
		}
		if len(missing) == 0 {
			continue // fully implemented: no unimplemented<Facade> to embed
		}
		fmt.Fprintf(&un, "// %s answers the %s methods %s does not\n", unimplType(fm.Name), fm.Name, implType(fm.Name))
		un.WriteString("// implement with a \"not supported\" error naming the call.\n")
		fmt.Fprintf(&un, "type %s struct{}\n\n", unimplType(fm.Name))
		for _, mm := range missing {
			unimplemented = append(unimplemented, fm.Name+"."+mm.GoName)
			p, r, zero := m.simSignature(mm)
			fmt.Fprintf(&un, "func (%s) %s(%s) %s {\n", unimplType(fm.Name), mm.GoName, p, r)
			if zero == "" {
				un.WriteString("\treturn errUnimplemented(cx)\n}\n\n")
			} else {
				fmt.Fprintf(&un, "\treturn %s, errUnimplemented(cx)\n}\n\n", zero)
			}
		}
	}
	for _, fm := range m.simFacades() {
		for _, mm := range fm.shapeMethods() {
			fmt.Fprintf(&srv, "func %s(s *facadeServers, cx *callCtx, p json.RawMessage) (any, error) {\n", callFunc(fm.Name, mm.GoName))
			arg := ""
			if mm.Params != "" {
				fmt.Fprintf(&srv, "\tvar a %s\n", m.simType(mm.Params))
				srv.WriteString("\tif err := decode(p, &a); err != nil {\n\t\treturn nil, err\n\t}\n")
				arg = ", a"
			}
			if mm.Result == "" {
				fmt.Fprintf(&srv, "\treturn struct{}{}, s.%s.%s(cx%s)\n}\n\n", fm.Name, mm.GoName, arg)
			} else {
				fmt.Fprintf(&srv, "\treturn s.%s.%s(cx%s)\n}\n\n", fm.Name, mm.GoName, arg)
			}
		}
	}
	for _, mode := range simModes {
		fmt.Fprintf(&srv, "// %s routes the calls of Juju %d.x mode: facade -> method -> the\n", mode.table, mode.major)
		srv.WriteString("// version ranges served and the shape serving each.\n")
		fmt.Fprintf(&srv, "var %s = map[string]map[string][]dispatchEntry{\n", mode.table)
		for _, fm := range m.simFacades() {
			fmt.Fprintf(&srv, "\t%q: {\n", fm.Name)
			var wires []string
			for _, mm := range fm.shapeMethods() {
				if !slices.Contains(wires, mm.Wire) {
					wires = append(wires, mm.Wire)
				}
			}
			sort.Strings(wires)
			for _, w := range wires {
				rule := simRules[fm.Name+"."+w]
				ranges := applyRule(simRanges(fm, w, mode.rel), rule, mode.major)
				if len(ranges) == 0 {
					continue
				}
				fmt.Fprintf(&srv, "\t\t%q: {", w)
				for i, rg := range ranges {
					if i > 0 {
						srv.WriteString(", ")
					}
					fmt.Fprintf(&srv, "{minV: %d, maxV: %d, nolock: %t, call: %s}", rg.lo, rg.hi, rule.nolock, callFunc(fm.Name, rg.mm.GoName))
				}
				srv.WriteString("},\n")
			}
			srv.WriteString("\t},\n")
		}
		srv.WriteString("}\n\n")
	}
	un.WriteString("// unimplementedMethods lists, as Facade.GoMethod, the methods above.\n")
	un.WriteString("var unimplementedMethods = []string{\n")
	for _, u := range unimplemented {
		fmt.Fprintf(&un, "\t%q,\n", u)
	}
	un.WriteString("}\n")
	var bases []string
	for _, r := range m.order {
		bases = append(bases, m.schemas[r].Base)
	}
	hdr := header(bases)
	a, err := finishSim("server_gen.go", hdr, srv.Bytes())
	if err != nil {
		return nil, err
	}
	b, err := finishSim("unimplemented_gen.go", hdr, un.Bytes())
	if err != nil {
		return nil, err
	}
	return []file{a, b}, nil
}

// finishSim adds the header, package clause and imports, and formats.
func finishSim(name, header string, body []byte) (file, error) {
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("\n\npackage core\n\n")
	if bytes.Contains(body, []byte("json.RawMessage")) {
		b.WriteString("import (\n\t\"encoding/json\"\n\n\t\"github.com/gojuju/juju/internal/facades\"\n)\n\n")
	} else {
		b.WriteString("import \"github.com/gojuju/juju/internal/facades\"\n\n")
	}
	b.Write(body)
	src, err := format.Source(b.Bytes())
	if err != nil {
		return file{Name: name, Src: b.Bytes()}, fmt.Errorf("cannot format %s: %w", name, err)
	}
	return file{Name: name, Src: src}, nil
}
