package jujudata_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.yaml.in/yaml/v3"

	"github.com/gojuju/juju/jujudata"
)

// fuzzSeeds are inputs shared by the parser fuzzers.
var fuzzSeeds = []string{
	"",
	"~",
	"controllers:\n",
	controllersYAML,
	accountsYAML,
	modelsYAML,
	controllersWithExtras,
	"controllers:\n  a:\n    uuid: x\n    cloud: a: b\n",
	"controllers:\n  a:\n\tuser: bob\n",
	"- a\n- b\n",
	"controllers:\n  a: &x {user: u}\n  b: *x\n",
	"controllers: {a: {models: {q/m: {uuid: u, type: iaas}}, current-model: q/m}}\n",
	"controllers:\n  a:\n    proxy-config: {type: t, config: {n: .nan, i: .inf, k: [1, {x: y}]}}\n",
	"controllers:\n  a:\n    machine-count: 99999999999999999999\n",
	"%YAML 1.1\n---\ncontrollers: {}\n...\n---\nsecond: doc\n",
	"controllers: !!binary aGVsbG8=\n",
	"a: &a [*a]\n",
}

// checkParse checks the properties every parser must have: no panic (the
// fuzzer reports one), errors are *FileError, and a parsed file encodes
// and parses back to the same value.
func checkParse[F any](t *testing.T, data []byte, parse func([]byte) (*F, error)) {
	f, err := parse(data)
	if err != nil {
		var fe *jujudata.FileError
		if !errors.As(err, &fe) {
			t.Fatalf("error %v (%T) is not a *FileError", err, err)
		}
		if fe.Line < 0 {
			t.Fatalf("negative line %d", fe.Line)
		}
		_ = err.Error()
		return
	}
	out, err := yaml.Marshal(f)
	if err != nil {
		// A value the decoder accepted but the encoder refuses is a
		// finding of its own, but not ours to fix; report it clearly.
		t.Skipf("yaml cannot re-encode parsed value: %v", err)
	}
	g, err := parse(out)
	if err != nil {
		t.Fatalf("re-parse of encoded value failed: %v\n%s", err, out)
	}
	if diff := cmp.Diff(f, g, cmpopts.EquateNaNs(), cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("round trip mismatch (-first +second):\n%s\nencoded:\n%s", diff, out)
	}
}

func FuzzParseControllers(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, jujudata.ParseControllers) })
}

func FuzzParseAccounts(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, jujudata.ParseAccounts) })
}

func FuzzParseModels(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, jujudata.ParseModels) })
}

// FuzzUpdateModel checks the editing path: on any models.yaml that parses,
// UpdateModel either refuses without touching the file or writes a file
// that parses, holds the new model, and keeps every other model.
func FuzzUpdateModel(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), "c", "q/m")
	}
	f.Add([]byte(modelsYAML), "dev", "admin/default")
	f.Fuzz(func(t *testing.T, data []byte, controller, model string) {
		before, perr := jujudata.ParseModels(data)
		dir := t.TempDir()
		path := filepath.Join(dir, jujudata.ModelsFileName)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := jujudata.New(jujudata.Config{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		details := jujudata.ModelDetails{UUID: "fuzz-uuid", Type: "iaas"}
		err = s.UpdateModel(context.Background(), controller, model, details)
		if err != nil {
			got, rerr := os.ReadFile(path)
			if rerr != nil || string(got) != string(data) {
				t.Fatalf("failed UpdateModel (%v) changed the file", err)
			}
			if perr != nil {
				var fe *jujudata.FileError
				if !errors.As(err, &fe) && !errors.Is(err, jujudata.ErrNotValid) {
					t.Fatalf("corrupt input gave %v, want *FileError or ErrNotValid", err)
				}
			}
			return
		}
		if perr != nil {
			t.Fatalf("UpdateModel succeeded on a file that does not parse (%v)", perr)
		}
		after, err := s.ReadModels()
		if err != nil {
			t.Fatalf("written file does not parse: %v", err)
		}
		cm := after.Controllers[controller]
		if cm == nil || cm.Models[model] != details {
			t.Fatalf("new model missing after UpdateModel")
		}
		for cname, bcm := range before.Controllers {
			for mname, d := range bcm.Models {
				if cname == controller && mname == model {
					continue
				}
				acm := after.Controllers[cname]
				if acm == nil || !cmp.Equal(acm.Models[mname], d) {
					t.Fatalf("model %s:%s lost or changed by UpdateModel", cname, mname)
				}
			}
		}
	})
}
