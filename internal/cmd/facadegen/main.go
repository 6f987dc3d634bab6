// Command facadegen generates package facades (internal/facades), the wire
// types of the Juju API facades, and package apiclient
// (internal/facades/apiclient), their typed clients, from Juju's API schema
// files.
//
// Usage:
//
//	facadegen [-out dir] [schema.json ...]
//
// The schema files default to the module's copies,
// testdata/schemas/juju-4.0.15.json and testdata/schemas/juju-3.6.28.json
// (testdata/schemas/README.md says where they come from). Upstream's doc
// comments are never copied into generated code. The generator's own schema for the watcher facades
// upstream does not describe is testdata/schemas/supplement.json (-supplement
// names another). The facades, their versions and the wire overrides
// live in facades.go of this directory; the naming rules are documented in
// the generated package's doc comment (see gen.go). The generator never
// needs the network.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "facadegen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("facadegen", flag.ContinueOnError)
	out := fs.String("out", "", "output directory of the wire types; the clients go to its apiclient subdirectory (default: internal/facades under the module root)")
	sup := fs.String("supplement", "", "the generator's schema of the watcher facades (default: testdata/schemas/supplement.json under the module root)")
	simOut := fs.String("sim-out", "", "output directory of the simulator's facade servers (default: "+simDir+" under the module root)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = defaultSchemas(root)
	}
	if *sup == "" {
		*sup = filepath.Join(root, schemaDir, "supplement.json")
	}
	if *out == "" {
		*out = filepath.Join(root, "internal", "facades")
	}
	files, err := generate(paths, *sup)
	if err != nil {
		return err
	}
	if err := write(*out, files); err != nil {
		return err
	}
	if *simOut == "" {
		*simOut = filepath.Join(root, simDir)
	}
	simFiles, err := generateSim(paths, *sup, filepath.Join(root, simDir))
	if err != nil {
		return err
	}
	return write(*simOut, simFiles)
}

// schemaDir holds, relative to the module root, the schema files the
// generator reads by default.
const schemaDir = "testdata/schemas"

// defaultSchemas returns the schema files generated from by default.
func defaultSchemas(root string) []string {
	dir := filepath.Join(root, schemaDir)
	return []string{filepath.Join(dir, "juju-4.0.15.json"), filepath.Join(dir, "juju-3.6.28.json")}
}

// generate loads the schemas and the supplement and returns the generated
// files.
func generate(paths []string, supplementPath string) ([]file, error) {
	m, err := loadModel(paths, supplementPath)
	if err != nil {
		return nil, err
	}
	files, err := m.emit()
	if err != nil {
		return nil, err
	}
	if err := checkTables(); err != nil {
		return nil, err
	}
	return files, nil
}

// loadModel loads the schemas and the supplement and resolves the facade
// list against them.
func loadModel(paths []string, supplementPath string) (*model, error) {
	var schemas []*schemaFile
	for _, p := range paths {
		s, err := loadSchema(p)
		if err != nil {
			return nil, err
		}
		schemas = append(schemas, s)
	}
	data, err := os.ReadFile(supplementPath)
	if err != nil {
		return nil, fmt.Errorf("cannot load the supplement: %w", err)
	}
	sup, err := parseFacades(data)
	if err != nil {
		return nil, fmt.Errorf("cannot load %s: %w", supplementPath, err)
	}
	schemas = append(schemas, &schemaFile{Base: filepath.Base(supplementPath), Release: supplement, Facades: sup})
	if err := applyFixes(schemas, schemaFixes); err != nil {
		return nil, err
	}
	m, err := build(schemas, facadeList)
	if err != nil {
		return nil, err
	}
	m.access = curatedAccess
	return m, nil
}

// write replaces the generated files in dir and the subdirectories the
// files name (the clients' directory):
// files carrying the generated header that are no longer generated are
// removed; other files (hand-written code, tests) stay.
func write(dir string, files []file) error {
	keep := map[string]bool{}
	subs := []string{""}
	for _, f := range files {
		keep[filepath.FromSlash(f.Name)] = true
		if sub := filepath.Dir(filepath.FromSlash(f.Name)); !slices.Contains(subs, sub) && sub != "." {
			subs = append(subs, sub)
		}
	}
	for _, sub := range subs {
		d := filepath.Join(dir, sub)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		entries, err := os.ReadDir(d)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if e.IsDir() || keep[filepath.Join(sub, e.Name())] || !strings.HasSuffix(e.Name(), ".go") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(d, e.Name()))
			if err != nil {
				return err
			}
			if strings.HasPrefix(string(data), "// Code generated by facadegen") {
				if err := os.Remove(filepath.Join(d, e.Name())); err != nil {
					return err
				}
			}
		}
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(f.Name)), f.Src, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// moduleRoot walks up from the working directory to the directory holding
// go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find the module root (no go.mod above the working directory)")
		}
		dir = parent
	}
}
