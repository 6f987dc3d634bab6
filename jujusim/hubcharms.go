package jujusim

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// AddCharmhubCharm adds a charm to the simulated Charmhub from its real
// metadata, so that deploying it by name ("postgresql-k8s") gives its
// real endpoints, config, actions, resources, containers and storage, and
// it can be integrated with the charms it relates to. path is a .charm
// archive, a charm directory, or a metadata.yaml or charmcraft.yaml file.
// A name added again gets a new revision. Names not added keep the
// built-in catalogue's charm or the generic one. It returns the charm's
// name.
func (s *Server) AddCharmhubCharm(path string) (string, error) {
	name, err := s.addCharmhubCharm(path)
	if err != nil {
		return "", fmt.Errorf("cannot add charm %q to the simulated Charmhub: %w", path, err)
	}
	return name, nil
}

func (s *Server) addCharmhubCharm(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if st.IsDir() {
		files := map[string][]byte{}
		for _, n := range []string{"metadata.yaml", "charmcraft.yaml", "config.yaml", "actions.yaml", "manifest.yaml"} {
			b, err := os.ReadFile(filepath.Join(path, n))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return "", err
			}
			files[n] = b
		}
		return s.core.AddHubCharm(files)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return s.core.AddHubCharmArchive(data)
	}
	key := "metadata.yaml"
	if filepath.Base(path) == "charmcraft.yaml" {
		key = "charmcraft.yaml"
	}
	return s.core.AddHubCharm(map[string][]byte{key: data})
}
