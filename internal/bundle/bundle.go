// Package bundle reads Juju bundles (YAML with overlays), checks them and
// computes the ordered list of changes that deploys one into a model. It
// sends nothing: the root package executes the changes and the simulator
// serves them from Bundle.GetChanges and GetChangesMapArgs.
package bundle

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gojuju/juju/internal/lazyregexp"
)

// Kinds of bundle error, matched with errors.Is through *Error.
var (
	// ErrSyntax: the YAML does not parse or is not a bundle.
	ErrSyntax = errors.New("malformed bundle")
	// ErrUnknownApplication: a relation, placement or offer names an
	// application the bundle does not declare.
	ErrUnknownApplication = errors.New("unknown application in bundle")
	// ErrUnknownEndpoint: a relation names an endpoint the charm does not
	// declare.
	ErrUnknownEndpoint = errors.New("unknown endpoint in bundle")
	// ErrPlacement: a "to:" directive that does not parse or names a
	// machine the bundle does not declare.
	ErrPlacement = errors.New("invalid placement in bundle")
	// ErrCharm: a charm that cannot be used (a local path that does not
	// exist, an invalid name).
	ErrCharm = errors.New("invalid charm in bundle")
	// ErrOverlay: an overlay that removes something absent or conflicts
	// with the bundle.
	ErrOverlay = errors.New("invalid bundle overlay")
	// ErrInclude: an include-file:// or include-base64:// value whose file
	// cannot be read.
	ErrInclude = errors.New("bundle include not readable")
)

// Error is a bundle refused before anything is sent. File and Line say
// where (Line is 0 when there is no line to name).
type Error struct {
	File string
	Line int
	Kind error
	Msg  string
}

func (e *Error) Error() string {
	loc := e.File
	if loc == "" {
		loc = "bundle"
	}
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
	}
	return loc + ": " + e.Kind.Error() + ": " + e.Msg
}

// Unwrap returns the kind.
func (e *Error) Unwrap() error { return e.Kind }

func errAt(file string, n *yaml.Node, kind error, format string, args ...any) *Error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &Error{File: file, Line: line, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Application is one application of a bundle.
type Application struct {
	Name        string
	Line        int
	File        string
	Charm       string
	Channel     string
	Revision    *int
	Base        string
	NumUnits    int
	To          []string
	Options     map[string]any
	Constraints string
	Storage     map[string]string
	Resources   map[string]string // revision number or file path
	Bindings    map[string]string
	Expose      bool
	Trust       bool
	Offers      map[string]Offer
	// ExposedEndpoints maps endpoints ("" for all) to the spaces and
	// CIDRs they are exposed to (overlays only).
	ExposedEndpoints map[string]ExposedEndpoint
	Annotations      map[string]string
	toLine           int
}

// ExposedEndpoint is where an endpoint is exposed to.
type ExposedEndpoint struct {
	Spaces []string `yaml:"expose-to-spaces,omitempty" json:"expose-to-spaces,omitempty"`
	CIDRs  []string `yaml:"expose-to-cidrs,omitempty" json:"expose-to-cidrs,omitempty"`
}

// SAAS is an offer the bundle consumes.
type SAAS struct {
	Name string
	URL  string
	Line int
}

// Offer is an offer declared under an application.
type Offer struct {
	Endpoints []string
	ACL       map[string]string
}

// Machine is a machine declared in a bundle.
type Machine struct {
	ID          string
	Line        int
	Base        string
	Constraints string
}

// Relation is a relation between two endpoints ("app" or "app:endpoint").
type Relation struct {
	A, B string
	File string
	Line int
}

// Bundle is a bundle after its overlays were applied.
type Bundle struct {
	File         string
	Dir          string
	DefaultBase  string
	Applications map[string]*Application
	Machines     map[string]*Machine
	Relations    []Relation
	SAAS         map[string]*SAAS
}

// AppNames returns the application names in order.
func (b *Bundle) AppNames() []string {
	names := make([]string, 0, len(b.Applications))
	for n := range b.Applications {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var (
	validApp     = lazyregexp.New(`^[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*$`)
	validMachine = lazyregexp.New(`^(0|[1-9][0-9]*)$`)
	validEP      = lazyregexp.New(`^[a-z][a-z0-9_-]*$`)
	yamlLine     = lazyregexp.New(`line (\d+)`)
)

var topKeys = map[string]bool{"applications": true, "services": true, "machines": true, "relations": true,
	"default-base": true, "series": true, "description": true, "name": true, "type": true, "bundle": true,
	"saas": true, "tags": true}

var appKeys = map[string]bool{"charm": true, "channel": true, "revision": true, "base": true, "series": true,
	"num_units": true, "scale": true, "to": true, "options": true, "constraints": true, "storage": true,
	"resources": true, "bindings": true, "expose": true, "trust": true, "offers": true, "annotations": true,
	"devices": true, "plan": true, "exposed-endpoints": true, "placement": true}

// Source is one YAML document source: a file's bytes and its name and
// directory (for relative paths).
type Source struct {
	Data []byte
	File string // name used in errors
	Dir  string // directory that relative paths start from; "" checks no local paths (a controller's view)
}

// Read parses a bundle and applies its overlays: the documents after the
// first in the bundle itself, then each overlay source in order.
func Read(src Source, overlays ...Source) (*Bundle, error) {
	docs, err := documents(src)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, &Error{File: src.File, Kind: ErrSyntax, Msg: "empty bundle"}
	}
	b := &Bundle{File: src.File, Dir: src.Dir, Applications: map[string]*Application{}, Machines: map[string]*Machine{}, SAAS: map[string]*SAAS{}}
	if err := b.apply(docs[0], src, false); err != nil {
		return nil, err
	}
	for _, d := range docs[1:] {
		if err := b.apply(d, src, true); err != nil {
			return nil, err
		}
	}
	for _, o := range overlays {
		ods, err := documents(o)
		if err != nil {
			return nil, err
		}
		for _, d := range ods {
			if err := b.apply(d, o, true); err != nil {
				return nil, err
			}
		}
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	return b, nil
}

func documents(src Source) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(strings.NewReader(string(src.Data)))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			line := 0
			if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
				line, _ = strconv.Atoi(m[1])
			}
			return nil, &Error{File: src.File, Line: line, Kind: ErrSyntax, Msg: err.Error()}
		}
		if len(n.Content) == 0 {
			continue
		}
		root := n.Content[0]
		if root.Kind != yaml.MappingNode {
			return nil, errAt(src.File, root, ErrSyntax, "not a bundle: the document is not a mapping")
		}
		docs = append(docs, root)
	}
	return docs, nil
}

func mapping(n *yaml.Node) [][2]*yaml.Node {
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
	}
	return out
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func (b *Bundle) apply(doc *yaml.Node, src Source, overlay bool) error {
	file := src.File
	sawApps := false
	for _, kv := range mapping(doc) {
		k, v := kv[0], kv[1]
		if !topKeys[k.Value] {
			return errAt(file, k, ErrSyntax, "unknown field %q", k.Value)
		}
		switch k.Value {
		case "default-base":
			b.DefaultBase = v.Value
		case "series":
			return errAt(file, k, ErrSyntax, "series is not supported; use default-base")
		case "applications", "services":
			sawApps = true
			if isNull(v) {
				continue
			}
			if v.Kind != yaml.MappingNode {
				return errAt(file, v, ErrSyntax, "applications must be a mapping")
			}
			for _, akv := range mapping(v) {
				if err := b.applyApp(akv[0], akv[1], src, overlay); err != nil {
					return err
				}
			}
		case "machines":
			if isNull(v) {
				continue
			}
			if v.Kind != yaml.MappingNode {
				return errAt(file, v, ErrSyntax, "machines must be a mapping")
			}
			for _, mkv := range mapping(v) {
				id := mkv[0].Value
				if !validMachine.MatchString(id) {
					return errAt(file, mkv[0], ErrSyntax, "machine id %q is not a number", id)
				}
				if isNull(mkv[1]) && overlay {
					if _, ok := b.Machines[id]; !ok {
						return errAt(file, mkv[0], ErrOverlay, "removes machine %q, which the bundle does not declare", id)
					}
					delete(b.Machines, id)
					continue
				}
				var md struct {
					Base        string `yaml:"base"`
					Series      string `yaml:"series"`
					Constraints string `yaml:"constraints"`
				}
				if !isNull(mkv[1]) {
					if err := mkv[1].Decode(&md); err != nil {
						return errAt(file, mkv[1], ErrSyntax, "machine %q: %v", id, err)
					}
				}
				m := b.Machines[id]
				if m == nil {
					m = &Machine{ID: id, Line: mkv[0].Line}
					b.Machines[id] = m
				}
				if md.Base != "" {
					m.Base = md.Base
				}
				if md.Constraints != "" {
					m.Constraints = md.Constraints
				}
			}
		case "saas":
			if isNull(v) {
				continue
			}
			if v.Kind != yaml.MappingNode {
				return errAt(file, v, ErrSyntax, "saas must be a mapping")
			}
			for _, skv := range mapping(v) {
				name := skv[0].Value
				if !validApp.MatchString(name) {
					return errAt(file, skv[0], ErrSyntax, "invalid SAAS name %q", name)
				}
				if isNull(skv[1]) && overlay {
					if _, ok := b.SAAS[name]; !ok {
						return errAt(file, skv[0], ErrOverlay, "removes SAAS %q, which the bundle does not declare", name)
					}
					delete(b.SAAS, name)
					continue
				}
				var sd struct {
					URL string `yaml:"url"`
				}
				if err := skv[1].Decode(&sd); err != nil || sd.URL == "" {
					return errAt(file, skv[1], ErrSyntax, "SAAS %q needs an offer url", name)
				}
				b.SAAS[name] = &SAAS{Name: name, URL: sd.URL, Line: skv[0].Line}
			}
		case "relations":
			if v.Kind != yaml.SequenceNode {
				return errAt(file, v, ErrSyntax, "relations must be a list of endpoint pairs")
			}
			for _, r := range v.Content {
				if r.Kind != yaml.SequenceNode || len(r.Content) != 2 || r.Content[0].Kind != yaml.ScalarNode || r.Content[1].Kind != yaml.ScalarNode {
					return errAt(file, r, ErrSyntax, "a relation must be a pair of endpoints")
				}
				b.Relations = append(b.Relations, Relation{A: r.Content[0].Value, B: r.Content[1].Value, File: file, Line: r.Line})
			}
		}
	}
	if !overlay && !sawApps {
		return errAt(file, doc, ErrSyntax, "not a bundle: no applications")
	}
	return nil
}

func (b *Bundle) applyApp(k, v *yaml.Node, src Source, overlay bool) error {
	file := src.File
	name := k.Value
	if !validApp.MatchString(name) {
		return errAt(file, k, ErrSyntax, "invalid application name %q", name)
	}
	if isNull(v) {
		if !overlay {
			return errAt(file, k, ErrSyntax, "application %q has no charm", name)
		}
		if _, ok := b.Applications[name]; !ok {
			return errAt(file, k, ErrOverlay, "removes application %q, which the bundle does not declare", name)
		}
		delete(b.Applications, name)
		// Its relations go with it.
		kept := b.Relations[:0]
		for _, r := range b.Relations {
			if appOf(r.A) != name && appOf(r.B) != name {
				kept = append(kept, r)
			}
		}
		b.Relations = kept
		return nil
	}
	if v.Kind != yaml.MappingNode {
		return errAt(file, v, ErrSyntax, "application %q must be a mapping", name)
	}
	a := b.Applications[name]
	if a == nil {
		a = &Application{Name: name, Line: k.Line, File: file, NumUnits: -1}
		b.Applications[name] = a
	}
	for _, kv := range mapping(v) {
		fk, fv := kv[0], kv[1]
		if !appKeys[fk.Value] {
			return errAt(file, fk, ErrSyntax, "application %q: unknown field %q", name, fk.Value)
		}
		bad := func(what string) error {
			return errAt(file, fv, ErrSyntax, "application %q: %s must be %s", name, fk.Value, what)
		}
		switch fk.Value {
		case "charm":
			if fv.Kind != yaml.ScalarNode || fv.Value == "" {
				return bad("a charm name or path")
			}
			a.Charm = fv.Value
			if isLocal(a.Charm) && src.Dir != "" {
				p := a.Charm
				if !filepath.IsAbs(p) {
					p = filepath.Join(src.Dir, p)
				}
				if _, err := os.Stat(p); err != nil {
					return errAt(file, fv, ErrCharm, "application %q: local charm %q not found", name, a.Charm)
				}
			} else if !validApp.MatchString(strings.TrimPrefix(a.Charm, "ch:")) {
				return errAt(file, fv, ErrCharm, "application %q: invalid charm name %q", name, a.Charm)
			}
		case "channel":
			a.Channel = fv.Value
		case "revision":
			r, err := strconv.Atoi(fv.Value)
			if err != nil || r < 0 {
				return bad("a non-negative number")
			}
			a.Revision = &r
		case "base":
			a.Base = fv.Value
		case "series":
			return errAt(file, fk, ErrSyntax, "application %q: series is not supported; use base", name)
		case "num_units", "scale":
			n, err := strconv.Atoi(fv.Value)
			if err != nil || n < 0 {
				return bad("a non-negative number")
			}
			a.NumUnits = n
		case "to":
			var to []string
			if fv.Kind == yaml.ScalarNode {
				to = []string{fv.Value}
			} else if err := fv.Decode(&to); err != nil {
				return bad("a list of placement directives")
			}
			a.To, a.toLine = to, fv.Line
		case "options":
			var opts map[string]any
			if err := fv.Decode(&opts); err != nil {
				return bad("a mapping")
			}
			if a.Options == nil {
				a.Options = map[string]any{}
			}
			for _, okv := range mapping(fv) {
				val := opts[okv[0].Value]
				if s, ok := val.(string); ok {
					r, err := include(s, src.Dir)
					if err != nil {
						return errAt(file, okv[1], ErrInclude, "application %q option %q: %v", name, okv[0].Value, err)
					}
					val = r
				}
				a.Options[okv[0].Value] = val
			}
		case "constraints":
			a.Constraints = fv.Value
		case "storage":
			if err := fv.Decode(&a.Storage); err != nil {
				return bad("a mapping of storage directives")
			}
		case "resources":
			var res map[string]any
			if err := fv.Decode(&res); err != nil {
				return bad("a mapping")
			}
			a.Resources = map[string]string{}
			for rn, rv := range res {
				s := fmt.Sprint(rv)
				if _, err := strconv.Atoi(s); err != nil && !filepath.IsAbs(s) && !strings.Contains(s, ":") {
					s = filepath.Join(src.Dir, s)
				}
				a.Resources[rn] = s
			}
		case "bindings":
			if err := fv.Decode(&a.Bindings); err != nil {
				return bad("a mapping of endpoints to spaces")
			}
		case "expose":
			if err := fv.Decode(&a.Expose); err != nil {
				return bad("true or false")
			}
		case "trust":
			if err := fv.Decode(&a.Trust); err != nil {
				return bad("true or false")
			}
		case "annotations":
			if err := fv.Decode(&a.Annotations); err != nil {
				return bad("a mapping of strings")
			}
		case "exposed-endpoints":
			if !overlay {
				return errAt(file, fk, ErrSyntax, "application %q: exposed-endpoints can only appear in an overlay", name)
			}
			if err := fv.Decode(&a.ExposedEndpoints); err != nil {
				return bad("a mapping of endpoints to expose-to-spaces and expose-to-cidrs")
			}
		case "devices", "plan", "placement":
			return errAt(file, fk, ErrSyntax, "application %q: %s is not supported", name, fk.Value)
		case "offers":
			if !overlay {
				return errAt(file, fk, ErrSyntax, "application %q: offers can only appear in an overlay", name)
			}
			var offers map[string]struct {
				Endpoints []string          `yaml:"endpoints"`
				ACL       map[string]string `yaml:"acl"`
			}
			if err := fv.Decode(&offers); err != nil {
				return bad("a mapping of offers")
			}
			a.Offers = map[string]Offer{}
			for on, o := range offers {
				a.Offers[on] = Offer{Endpoints: o.Endpoints, ACL: o.ACL}
			}
		}
	}
	if a.Charm == "" {
		return errAt(file, k, ErrSyntax, "application %q has no charm", name)
	}
	return nil
}

// include resolves include-file:// and include-base64:// values as the CLI
// does: the file's content, or its content in base64.
func include(s, dir string) (any, error) {
	for _, pfx := range []string{"include-file://", "include-base64://"} {
		if !strings.HasPrefix(s, pfx) {
			continue
		}
		p := strings.TrimPrefix(s, pfx)
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s", p)
		}
		if pfx == "include-base64://" {
			return base64.StdEncoding.EncodeToString(data), nil
		}
		return string(data), nil
	}
	return s, nil
}

func isLocal(charm string) bool {
	return strings.HasPrefix(charm, ".") || strings.HasPrefix(charm, "/") || strings.HasSuffix(charm, ".charm") || strings.Contains(charm, string(filepath.Separator))
}

// IsLocal reports whether a charm reference is a local path.
func IsLocal(charm string) bool { return isLocal(charm) }

// LocalPath returns the path of a local charm, relative paths starting at
// the bundle's directory.
func (b *Bundle) LocalPath(a *Application) string {
	if filepath.IsAbs(a.Charm) {
		return a.Charm
	}
	return filepath.Join(b.Dir, a.Charm)
}

func appOf(ep string) string {
	if i := strings.IndexByte(ep, ':'); i >= 0 {
		return ep[:i]
	}
	return ep
}

// SplitEndpoint splits "app:endpoint" ("app" gives an empty endpoint).
func SplitEndpoint(ep string) (string, string) {
	if i := strings.IndexByte(ep, ':'); i >= 0 {
		return ep[:i], ep[i+1:]
	}
	return ep, ""
}

// Placement is one parsed "to:" directive.
type Placement struct {
	Container string // "lxd", "kvm" or ""
	Machine   string // bundle machine id, "new", or ""
	App       string // place with a unit of this application
	Unit      int    // its unit number, -1 for any
}

// ParsePlacement parses "0", "new", "lxd:0", "lxd:new", "app", "app/1",
// "lxd:app/1".
func ParsePlacement(s string) (Placement, error) {
	p := Placement{Unit: -1}
	rest := s
	if i := strings.IndexByte(s, ':'); i >= 0 {
		p.Container, rest = s[:i], s[i+1:]
		if p.Container != "lxd" && p.Container != "kvm" {
			return p, fmt.Errorf("unknown container type %q in %q", p.Container, s)
		}
	}
	switch {
	case rest == "new" || validMachine.MatchString(rest):
		p.Machine = rest
	default:
		app, unit, hasUnit := strings.Cut(rest, "/")
		if !validApp.MatchString(app) {
			return p, fmt.Errorf("%q is not a machine, \"new\" or an application", s)
		}
		p.App = app
		if hasUnit {
			n, err := strconv.Atoi(unit)
			if err != nil || n < 0 {
				return p, fmt.Errorf("bad unit number in %q", s)
			}
			p.Unit = n
		}
	}
	return p, nil
}

func (b *Bundle) check() error {
	for _, n := range b.AppNames() {
		a := b.Applications[n]
		if a.NumUnits > 0 && len(a.To) > a.NumUnits {
			return &Error{File: a.File, Line: a.toLine, Kind: ErrPlacement, Msg: fmt.Sprintf("application %q has %d placement directives for %d units", n, len(a.To), a.NumUnits)}
		}
		for _, t := range a.To {
			p, err := ParsePlacement(t)
			if err != nil {
				return &Error{File: a.File, Line: a.toLine, Kind: ErrPlacement, Msg: fmt.Sprintf("application %q: %v", n, err)}
			}
			if p.Machine != "" && p.Machine != "new" {
				if _, ok := b.Machines[p.Machine]; !ok {
					return &Error{File: a.File, Line: a.toLine, Kind: ErrPlacement, Msg: fmt.Sprintf("application %q is placed on machine %q, which the bundle does not declare", n, p.Machine)}
				}
			}
			if p.App != "" {
				if _, ok := b.Applications[p.App]; !ok {
					return &Error{File: a.File, Line: a.toLine, Kind: ErrUnknownApplication, Msg: fmt.Sprintf("application %q is placed with application %q, which the bundle does not declare", n, p.App)}
				}
			}
		}
		for on, o := range a.Offers {
			if len(o.Endpoints) == 0 {
				return &Error{File: a.File, Line: a.Line, Kind: ErrSyntax, Msg: fmt.Sprintf("offer %q of %q has no endpoints", on, n)}
			}
		}
	}
	for _, r := range b.Relations {
		for _, ep := range []string{r.A, r.B} {
			app, e := SplitEndpoint(ep)
			if _, ok := b.SAAS[app]; ok {
				continue
			}
			if _, ok := b.Applications[app]; !ok {
				return &Error{File: r.File, Line: r.Line, Kind: ErrUnknownApplication, Msg: fmt.Sprintf("relation %s - %s names application %q, which the bundle does not declare", r.A, r.B, app)}
			}
			if strings.Contains(ep, ":") && !validEP.MatchString(e) {
				return &Error{File: r.File, Line: r.Line, Kind: ErrUnknownEndpoint, Msg: fmt.Sprintf("relation endpoint %q is not valid", ep)}
			}
		}
	}
	return nil
}
