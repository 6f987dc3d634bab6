package juju

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrInvalidCharm is returned for a local charm (archive or directory) that
// cannot be deployed: unreadable, not a zip, without metadata, hooks or a
// name.
var ErrInvalidCharm = errors.New("invalid charm")

// maxCharmSize is the largest charm the controller accepts.
const maxCharmSize = 500 << 20

// localCharm is a charm read from a .charm archive or a directory.
type localCharm struct {
	name        string
	revision    int
	subordinate bool
	options     map[string]ConfigOption  // nil when the charm has no config.yaml
	resources   map[string]localResource // by resource name
	containers  bool                     // it declares containers: a Kubernetes charm
	bases       []Base
	endpoints   map[string]bool // every endpoint it declares, juju-info included
	archive     []byte
	sha256      string
}

// localResource is a resource a local charm declares.
type localResource struct {
	typ         string // ResourceFile or ResourceOCIImage
	path        string // the file name units see ("filename" in metadata.yaml)
	description string
}

// objectName is the name the controller stores the archive under:
// "<name>-<first 7 hex digits of its SHA-256>".
func (c *localCharm) objectName() string { return c.name + "-" + c.sha256[:7] }

// curl is the local charm URL sent with the upload.
func (c *localCharm) curl() string { return "local:" + c.name + "-" + strconv.Itoa(c.revision) }

func charmError(p, format string, args ...any) error {
	return &inputError{kind: ErrInvalidCharm, what: "charm", value: p, reason: fmt.Sprintf(format, args...)}
}

// readLocalCharm reads a .charm archive or zips a charm directory.
func readLocalCharm(p string) (*localCharm, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, charmError(p, "%v", err)
	}
	var data []byte
	if st.IsDir() {
		data, err = zipCharmDir(p)
		if err != nil {
			return nil, charmError(p, "cannot zip directory: %v", err)
		}
	} else {
		if st.Size() > maxCharmSize {
			return nil, charmError(p, "larger than %d MB", maxCharmSize>>20)
		}
		data, err = os.ReadFile(p)
		if err != nil {
			return nil, charmError(p, "%v", err)
		}
	}
	return parseCharmArchive(p, data)
}

// parseCharmArchive reads a charm's metadata from its zip archive.
func parseCharmArchive(p string, data []byte) (*localCharm, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, charmError(p, "not a zip archive: %v", err)
	}
	files := map[string]*zip.File{}
	hasHooks := false
	for _, f := range zr.File {
		name := strings.TrimPrefix(path.Clean(f.Name), "./")
		files[name] = f
		if name == "dispatch" || strings.HasPrefix(name, "hooks/") || name == "hooks" {
			hasHooks = true
		}
	}
	read := func(name string) ([]byte, bool, error) {
		f, ok := files[name]
		if !ok {
			return nil, false, nil
		}
		rc, err := f.Open()
		if err != nil {
			return nil, true, err
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, 16<<20))
		return b, true, err
	}
	meta, ok, err := read("metadata.yaml")
	if err != nil {
		return nil, charmError(p, "cannot read metadata.yaml: %v", err)
	}
	if !ok {
		return nil, charmError(p, "no metadata.yaml")
	}
	var md struct {
		Name        string   `yaml:"name"`
		Subordinate bool     `yaml:"subordinate"`
		Series      []string `yaml:"series"`
		Resources   map[string]struct {
			Type        string `yaml:"type"`
			Filename    string `yaml:"filename"`
			Description string `yaml:"description"`
		} `yaml:"resources"`
		Containers map[string]any `yaml:"containers"`
		Provides   map[string]any `yaml:"provides"`
		Requires   map[string]any `yaml:"requires"`
		Peers      map[string]any `yaml:"peers"`
	}
	if err := yaml.Unmarshal(meta, &md); err != nil {
		return nil, charmError(p, "cannot parse metadata.yaml: %v", err)
	}
	if md.Name == "" {
		return nil, charmError(p, "metadata.yaml has no name")
	}
	if !IsValidApplicationName(md.Name) {
		return nil, charmError(p, "%q is not a valid charm name", md.Name)
	}
	if !hasHooks {
		return nil, charmError(p, "it has neither hooks nor a dispatch script")
	}
	c := &localCharm{name: md.Name, subordinate: md.Subordinate, archive: data, containers: len(md.Containers) > 0,
		endpoints: map[string]bool{"juju-info": true}}
	for _, eps := range []map[string]any{md.Provides, md.Requires, md.Peers} {
		for ep := range eps {
			c.endpoints[ep] = true
		}
	}
	for name, r := range md.Resources {
		if c.resources == nil {
			c.resources = map[string]localResource{}
		}
		typ := r.Type
		if typ == "" {
			typ = ResourceFile
		}
		c.resources[name] = localResource{typ: typ, path: r.Filename, description: r.Description}
	}
	sum := sha256.Sum256(data)
	c.sha256 = hex.EncodeToString(sum[:])

	if b, ok, err := read("revision"); err != nil {
		return nil, charmError(p, "cannot read revision: %v", err)
	} else if ok {
		rev, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || rev < 0 {
			return nil, charmError(p, "revision file holds %q, not a revision number", strings.TrimSpace(string(b)))
		}
		c.revision = rev
	}
	if b, ok, err := read("config.yaml"); err != nil {
		return nil, charmError(p, "cannot read config.yaml: %v", err)
	} else if ok {
		var cfg struct {
			Options map[string]struct {
				Type        string `yaml:"type"`
				Description string `yaml:"description"`
				Default     any    `yaml:"default"`
			} `yaml:"options"`
		}
		if err := yaml.Unmarshal(b, &cfg); err != nil {
			return nil, charmError(p, "cannot parse config.yaml: %v", err)
		}
		c.options = map[string]ConfigOption{}
		for k, o := range cfg.Options {
			typ := o.Type
			if typ == "" {
				typ = OptionString
			}
			c.options[k] = ConfigOption{Type: typ, Description: o.Description, Default: o.Default}
		}
	}
	var manifest struct {
		Bases []struct {
			Name    string `yaml:"name"`
			Channel string `yaml:"channel"`
		} `yaml:"bases"`
	}
	if b, ok, err := read("manifest.yaml"); err != nil {
		return nil, charmError(p, "cannot read manifest.yaml: %v", err)
	} else if ok {
		if err := yaml.Unmarshal(b, &manifest); err != nil {
			return nil, charmError(p, "cannot parse manifest.yaml: %v", err)
		}
	}
	for _, b := range manifest.Bases {
		c.bases = append(c.bases, Base{OS: b.Name, Channel: b.Channel})
	}
	if len(c.bases) == 0 {
		for _, s := range md.Series {
			if b, err := BaseForSeries(s); err == nil {
				c.bases = append(c.bases, b)
			}
		}
	}
	return c, nil
}

// zipCharmDir zips a charm directory the way charm archives are laid out,
// leaving out version control directories and built archives. File modes
// (the executable bit of hooks) are kept. A directory whose metadata is in
// a unified charmcraft.yaml gets the metadata.yaml, config.yaml,
// actions.yaml and manifest.yaml charmcraft pack would write.
func zipCharmDir(dir string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			switch d.Name() {
			case ".git", ".bzr", ".hg", ".svn", ".tox", "__pycache__", "build", ".venv":
				return filepath.SkipDir
			}
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".charm") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return nil
		}
		h, err := zip.FileInfoHeader(info)
		if err != nil {
			return err
		}
		h.Name = rel
		if d.IsDir() {
			h.Name += "/"
			_, err = zw.CreateHeader(h)
			return err
		}
		h.Method = zip.Deflate
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := addCharmcraftFiles(zw, dir); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if buf.Len() > maxCharmSize {
		return nil, fmt.Errorf("larger than %d MB", maxCharmSize>>20)
	}
	return buf.Bytes(), nil
}

// chooseCharmBase picks the base to deploy a charm on: the requested one
// (which the charm must support when it declares bases), else the model's
// default base if the charm supports it, else the charm's preferred base
// (the newest Ubuntu LTS it lists, else its first base).
func chooseCharmBase(requested Base, supported []Base, modelDefault Base) (Base, error) {
	supports := func(b Base) bool {
		for _, s := range supported {
			if s.OS == b.OS && s.Track() == b.Track() {
				return true
			}
		}
		return false
	}
	if !requested.IsZero() {
		if len(supported) > 0 && !supports(requested) {
			var names []string
			for _, s := range supported {
				names = append(names, s.String())
			}
			return Base{}, invalidf(ErrInvalidBase, "base", requested.String(), "the charm supports only %s", strings.Join(names, ", "))
		}
		return requested, nil
	}
	if !modelDefault.IsZero() && (len(supported) == 0 || supports(modelDefault)) {
		return modelDefault, nil
	}
	for _, lts := range []string{"24.04", "22.04", "20.04"} {
		for _, s := range supported {
			if s.OS == "ubuntu" && s.Track() == lts {
				return s, nil
			}
		}
	}
	if len(supported) > 0 {
		return supported[0], nil
	}
	return Base{}, nil
}
