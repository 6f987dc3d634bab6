package apiclient

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gojuju/juju/internal/testshared"
)

// schemaEntry is one facade of a schema file.
type schemaEntry struct {
	Name    string
	Version int
	Schema  struct {
		Properties map[string]struct {
			Properties map[string]struct {
				Ref string `json:"$ref"`
			} `json:"properties"`
		} `json:"properties"`
	}
}

func loadSchemaFile(t testing.TB, path string) []schemaEntry {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var entries []schemaEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		t.Fatalf("cannot decode %s: %v", path, err)
	}
	return entries
}

// TestCoverage checks that every method of every generated facade in the
// schemas has a generated method that sends it at the schema's version
// (when the client speaks that version), with params and result types
// named after the schema's definitions.
func TestCoverage(t *testing.T) {
	schemas := testshared.Schemas(t)
	methods := discover(t)
	for _, file := range []string{"juju-4.0.15.json", "juju-3.6.28.json"} {
		for _, e := range loadSchemaFile(t, filepath.Join(schemas, file)) {
			versions, ok := SupportedVersions[e.Name]
			if !ok {
				continue
			}
			for name, m := range e.Schema.Properties {
				byVersion := methods[[2]string{e.Name, name}]
				if len(byVersion) == 0 {
					t.Errorf("%s: %s.%s has no generated method", file, e.Name, name)
					continue
				}
				if !slices.Contains(versions, e.Version) {
					continue
				}
				cands := byVersion[e.Version]
				if len(cands) == 0 {
					t.Errorf("%s: %s.%s has no generated method at version %d", file, e.Name, name, e.Version)
					continue
				}
				match := false
				for _, c := range cands {
					if typeMatches(c.params, m.Properties["Params"].Ref) && typeMatches(c.result, m.Properties["Result"].Ref) {
						match = true
					}
				}
				if !match && len(cands) > 0 {
					t.Errorf("%s: %s.%s at version %d: no generated method with params %q and result %q (have %v)",
						file, e.Name, name, e.Version, m.Properties["Params"].Ref, m.Properties["Result"].Ref, cands)
				}
			}
		}
	}
}

// typeMatches reports whether a Go type is the one generated for a schema
// reference: the definition name, possibly with a version suffix.
func typeMatches(typ reflect.Type, ref string) bool {
	def := strings.TrimPrefix(ref, "#/definitions/")
	if typ == nil {
		return def == ""
	}
	name := typ.Name()
	if name == "RawMessage" {
		return true // opaque definitions are aliases of json.RawMessage
	}
	if def == "Error" {
		return name == "" // *rpc.Error: a pointer type has no name
	}
	return name == def || strings.HasPrefix(name, def+"V") || strings.HasPrefix(name, def+"Juju")
}
