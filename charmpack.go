package juju

import (
	"fmt"
	"os"
	"path/filepath"
)

// PackCharm builds the .charm archive of the charm source directory dir,
// as Deploy does when given a directory, and writes it to dest (replaced
// when it exists); it returns the charm's name, read from its metadata.
//
// Packing is zipping: the directory's files with their modes (the
// executable bit of hooks and dispatch), without version-control
// directories, .tox, .venv, build, __pycache__, symlinks and .charm files.
// A charm whose metadata is in a unified charmcraft.yaml (with its name,
// and no metadata.yaml) gets the metadata.yaml, config.yaml, actions.yaml
// and manifest.yaml (bases from base and platforms, or bases) that
// charmcraft pack would generate from it. Nothing is built: a charm whose source needs a build step (Python
// dependencies installed into venv/, a compiled binary) must have been
// built into dir first, as charmcraft would. A directory that is not a
// deployable charm (no metadata.yaml, no name, no hooks or dispatch) is
// refused with ErrInvalidCharm before anything is written.
func PackCharm(dir, dest string) (string, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return "", charmError(dir, "%v", err)
	}
	if !st.IsDir() {
		return "", charmError(dir, "not a directory")
	}
	data, err := zipCharmDir(dir)
	if err != nil {
		return "", charmError(dir, "cannot zip directory: %v", err)
	}
	c, err := parseCharmArchive(dir, data)
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".pack-*.charm")
	if err != nil {
		return "", fmt.Errorf("cannot pack charm %q: %w", c.name, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := cmpErr(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return "", fmt.Errorf("cannot pack charm %q: %w", c.name, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		_ = os.Remove(tmp.Name())
		return "", fmt.Errorf("cannot pack charm %q: %w", c.name, err)
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		_ = os.Remove(tmp.Name())
		return "", fmt.Errorf("cannot pack charm %q: %w", c.name, err)
	}
	return c.name, nil
}

// cmpErr returns the first non-nil error.
func cmpErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
