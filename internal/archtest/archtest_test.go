package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const mod = "github.com/gojuju/juju"

type listedPackage struct {
	ImportPath string
	Doc        string
	Name       string
	Deps       []string // every package the non-test code links, directly or transitively
	Imports    []string // the packages the non-test code imports directly
}

// listPackages runs `go list -json` for every package of the module. Deps
// and Imports cover the non-test files only: a package's tests may use
// whatever they need.
func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", mod+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 3 {
		t.Fatalf("go list found only %d packages; the test is not looking at the module", len(pkgs))
	}
	return pkgs
}

// TestNoJujuImport keeps the AGPLv3 github.com/juju/juju module out of every
// package's dependencies, direct or indirect.
func TestNoJujuImport(t *testing.T) {
	// Spelled in two parts so that a plain text search for the import path
	// finds only real imports.
	const banned = "github.com/" + "juju/juju"
	for _, p := range listPackages(t) {
		for _, d := range p.Deps {
			if d == banned || strings.HasPrefix(d, banned+"/") {
				t.Errorf("%s depends on %s: gojuju must never import github.com/juju/juju", p.ImportPath, d)
			}
		}
	}
}

// TestEveryPackageHasDoc checks that every package says what it is for.
func TestEveryPackageHasDoc(t *testing.T) {
	for _, p := range listPackages(t) {
		if strings.TrimSpace(p.Doc) == "" {
			t.Errorf("package %s has no package doc comment", p.ImportPath)
		}
	}
}

// A pattern names a package of the module relative to its root: "" is the
// root package, "rpc" is github.com/gojuju/juju/rpc, and a trailing "/..."
// also matches every package below it ("jujusim/..." matches jujusim and
// jujusim/internal/core). A pattern starting with "std:" or holding a dot in
// its first element names a package outside the module by its full path.
type pattern string

func (p pattern) path() string {
	s := strings.TrimSuffix(string(p), "/...")
	switch {
	case strings.HasPrefix(s, "std:"):
		return strings.TrimPrefix(s, "std:")
	case strings.Contains(strings.Split(s, "/")[0], "."):
		return s
	case s == "":
		return mod
	default:
		return mod + "/" + s
	}
}

func (p pattern) inModule() bool { return strings.HasPrefix(p.path()+"/", mod+"/") }

func (p pattern) match(importPath string) bool {
	base := p.path()
	if importPath == base {
		return true
	}
	return strings.HasSuffix(string(p), "/...") && strings.HasPrefix(importPath, base+"/")
}

// An importRule says that the non-test code of the packages matching any of
// from never links a package matching any of banned, directly or through
// other packages.
type importRule struct {
	name   string
	from   []pattern
	banned []pattern
	why    string
}

// library is every package whose code ships to the library's users.
var library = []pattern{"", "rpc", "status", "jujudata", "jujusim/...", "internal/errcode", "internal/corkconn", "internal/facades/...", "internal/cli"}

var importRules = []importRule{
	{
		name: "RootWithoutSimulator",
		from: []pattern{""},
		// jujutest links jujusim too.
		banned: []pattern{"jujusim/...", "jujutest"},
		why:    "the library must not carry the simulator into its users' binaries; only its tests may use it",
	},
	{
		name:   "SimulatorSharesOnlyWireTypes",
		from:   []pattern{"jujusim/..."},
		banned: []pattern{"", "rpc", "internal/facades/apiclient", "status"},
		why: "the simulator shares only the generated wire types (whose error type is their own) with the client, " +
			"so it cannot silently agree with a client bug in dialling, framing, login or calling",
	},
	{
		name:   "SimulatorCoreBelowTransport",
		from:   []pattern{"jujusim/internal/core"},
		banned: []pattern{"jujusim", "jujudata"},
		why:    "the simulated controller's state knows nothing of the transport above it or of client data",
	},
	{
		name:   "ErrcodeIsALeaf",
		from:   []pattern{"internal/errcode"},
		banned: []pattern{"", "rpc", "internal/facades/...", "jujudata", "jujusim/...", "status"},
		why:    "the error codes are shared by rpc.Error and facades.Error and sit below both",
	},
	{
		name:   "CorkconnIsALeaf",
		from:   []pattern{"internal/corkconn"},
		banned: []pattern{"", "rpc", "internal/errcode", "internal/facades/...", "jujudata", "jujusim/...", "status"},
		why:    "the corkable TCP connection under the client's and the simulator's websockets knows nothing of RPC",
	},
	{
		name:   "RPCBelowFacades",
		from:   []pattern{"rpc"},
		banned: []pattern{"", "internal/facades/...", "jujudata", "jujusim/...", "status"},
		why:    "the connection knows nothing of facades, client data or the library",
	},
	{
		name:   "JujudataStandsAlone",
		from:   []pattern{"jujudata"},
		banned: []pattern{"", "rpc", "internal/facades/...", "jujusim/...", "status"},
		why:    "the JUJU_DATA files are read and written without the API",
	},
	{
		name:   "WireTypesWithoutClient",
		from:   []pattern{"internal/facades"},
		banned: []pattern{"", "rpc", "internal/facades/apiclient", "jujudata", "jujusim/...", "status"},
		why:    "the generated wire types are shared with the simulator and so link no client code",
	},
	{
		name:   "ClientsBelowLibrary",
		from:   []pattern{"internal/facades/apiclient"},
		banned: []pattern{"", "jujudata", "jujusim/...", "status"},
		why:    "the generated clients know only the connection and the wire types",
	},
	{
		name:   "StatusBelowRoot",
		from:   []pattern{"status"},
		banned: []pattern{"", "jujudata", "jujusim/..."},
		why:    "the status engine is below the library, which calls it through thin entry points",
	},
	{
		name:   "GeneratorStandsAlone",
		from:   []pattern{"internal/cmd/facadegen"},
		banned: []pattern{"", "jujusim/..."},
		why:    "the generator must build even when the code it generates does not",
	},
	{
		name: "LibraryWithoutTestSupport",
		from: library,
		banned: []pattern{"std:testing", "go.uber.org/goleak", "github.com/google/go-cmp/...",
			"jujutest", "internal/realjuju/...", "internal/testshared"},
		why: "test support stays out of the code the library's users link",
	},
}

// TestImportRules checks every rule of importRules against the non-test
// imports of the module's packages, followed transitively, and names the
// chain of imports that breaks a rule.
func TestImportRules(t *testing.T) {
	pkgs := listPackages(t)
	byPath := make(map[string]listedPackage, len(pkgs))
	for _, p := range pkgs {
		byPath[p.ImportPath] = p
	}
	for _, r := range importRules {
		t.Run(r.name, func(t *testing.T) {
			// A rule naming a package that is gone would pass forever.
			for _, pat := range slices.Concat(r.from, r.banned) {
				if pat.inModule() && !slices.ContainsFunc(pkgs, func(p listedPackage) bool { return pat.match(p.ImportPath) }) {
					t.Errorf("the rule names %q, but no package of the module matches it", pat)
				}
			}
			for _, p := range pkgs {
				if !slices.ContainsFunc(r.from, func(pat pattern) bool { return pat.match(p.ImportPath) }) {
					continue
				}
				for _, d := range p.Deps {
					if slices.ContainsFunc(r.banned, func(pat pattern) bool { return pat.match(d) }) {
						t.Errorf("%s links %s (%s): %s", p.ImportPath, d, strings.Join(importChain(byPath, p.ImportPath, d), " -> "), r.why)
					}
				}
			}
		})
	}
}

// importChain returns a shortest chain of non-test imports from one package
// to another, through the module's own packages, for the failure message.
func importChain(byPath map[string]listedPackage, from, to string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur == to {
			var chain []string
			for c := to; c != ""; c = prev[c] {
				chain = append(chain, c)
			}
			slices.Reverse(chain)
			return chain
		}
		for _, next := range byPath[cur].Imports {
			if _, seen := prev[next]; !seen {
				prev[next] = cur
				queue = append(queue, next)
			}
		}
	}
	// The chain runs through a package outside the module.
	return []string{from, "…", to}
}
