package juju

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestPackCharm(t *testing.T) {
	_, _, m := simModel(t, "")
	dest := filepath.Join(t.TempDir(), "db.charm")
	name, err := PackCharm(filepath.Join("testdata", "charms", "tiny-db"), dest)
	if err != nil {
		t.Fatal(err)
	}
	if name != "tiny-db" {
		t.Errorf("PackCharm named the charm %q, want tiny-db", name)
	}
	c, err := readLocalCharm(dest)
	if err != nil {
		t.Fatal(err)
	}
	if c.name != "tiny-db" {
		t.Errorf("the archive holds charm %q", c.name)
	}
	if st, err := os.Stat(dest); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("archive mode: %v %v", st, err)
	}
	app, err := m.Deploy(testCtx(t), dest, &DeployOptions{Base: "ubuntu@24.04"})
	if err != nil {
		t.Fatal(err)
	}
	if app.Name() != "tiny-db" {
		t.Errorf("deployed %q", app.Name())
	}

	empty := t.TempDir()
	bad := filepath.Join(t.TempDir(), "bad.charm")
	for _, dir := range []string{empty, filepath.Join(empty, "missing"), dest} {
		if _, err := PackCharm(dir, bad); !errors.Is(err, ErrInvalidCharm) {
			t.Errorf("PackCharm(%q): %v, want ErrInvalidCharm", dir, err)
		}
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("a refused pack wrote %s: %v", bad, err)
	}
}

// charmcraftCharm writes a charm source directory whose metadata is all in
// a unified charmcraft.yaml, as charmcraft init makes today.
func charmcraftCharm(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"charmcraft.yaml": `name: cc-app
type: charm
title: CC app
summary: A charm whose metadata is in charmcraft.yaml
description: For the packing test.
base: ubuntu@22.04
platforms:
  amd64:
parts:
  charm:
    plugin: charm
requires:
  db:
    interface: tiny-db
config:
  options:
    port:
      type: int
      default: 8080
      description: The port.
actions:
  restart:
    description: Restart it.
`,
		"src/charm.py": "#!/usr/bin/env python3\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "dispatch"), []byte("#!/bin/sh\nJUJU_DISPATCH_PATH=\"${JUJU_DISPATCH_PATH:-$0}\" PYTHONPATH=lib:venv ./src/charm.py\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestPackCharmcraftYAML(t *testing.T) {
	dir := charmcraftCharm(t)
	dest := filepath.Join(t.TempDir(), "cc.charm")
	name, err := PackCharm(dir, dest)
	if err != nil {
		t.Fatal(err)
	}
	if name != "cc-app" {
		t.Errorf("name %q", name)
	}
	c, err := readLocalCharm(dest)
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := c.options["port"]; !ok || o.Type != "int" {
		t.Errorf("options from charmcraft.yaml's config: %+v", c.options)
	}
	if len(c.bases) != 1 || c.bases[0].OS != "ubuntu" || c.bases[0].Channel != "22.04" {
		t.Errorf("bases from charmcraft.yaml: %+v", c.bases)
	}
	if !c.endpoints["db"] {
		t.Errorf("endpoints: %v", c.endpoints)
	}
	zr, err := zip.OpenReader(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	got := map[string]bool{}
	for _, f := range zr.File {
		got[f.Name] = true
	}
	for _, want := range []string{"metadata.yaml", "config.yaml", "actions.yaml", "manifest.yaml", "dispatch", "src/charm.py", "charmcraft.yaml"} {
		if !got[want] {
			t.Errorf("archive lacks %s: %v", want, got)
		}
	}

	_, _, m := simModel(t, "")
	app, err := m.Deploy(testCtx(t), dir, &DeployOptions{Config: map[string]any{"port": 9000}})
	if err != nil {
		t.Fatal(err)
	}
	if app.Name() != "cc-app" {
		t.Errorf("deployed %q", app.Name())
	}
	if _, err := m.Deploy(testCtx(t), dir, &DeployOptions{Name: "bad", Config: map[string]any{"nope": 1}}); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("deploy with an option charmcraft.yaml lacks: %v", err)
	}
}
