package juju

import (
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
