package juju

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseStorageDirective(t *testing.T) {
	tests := []struct {
		in      string
		want    StorageDirective
		str     string
		wantErr string
	}{
		{in: "ebs,10G,3", want: StorageDirective{Pool: "ebs", Size: 10240, Count: 3}, str: "ebs,10G,3"},
		{in: "3,ebs,512M", want: StorageDirective{Pool: "ebs", Size: 512, Count: 3}, str: "ebs,512M,3"},
		{in: "10G", want: StorageDirective{Size: 10240}, str: "10G"},
		{in: "rootfs", want: StorageDirective{Pool: "rootfs"}, str: "rootfs"},
		{in: "2", want: StorageDirective{Count: 2}, str: "2"},
		{in: "1.5G", want: StorageDirective{Size: 1536}, str: "1536M"},
		{in: "", wantErr: `invalid storage directive "": must not be empty`},
		{in: "ebs,ten", wantErr: `invalid storage directive "ebs,ten": pool given twice`},
		{in: "1,2", wantErr: `invalid storage directive "1,2": count given twice`},
		{in: "1G,2G", wantErr: `invalid storage directive "1G,2G": size given twice`},
		{in: "10X", wantErr: `invalid storage directive "10X": "10X" is neither a pool, a size (such as 10G) nor a count`},
		{in: "ebs,", wantErr: `invalid storage directive "ebs,": "" is neither a pool, a size (such as 10G) nor a count`},
	}
	for _, tt := range tests {
		got, err := ParseStorageDirective(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("ParseStorageDirective(%q) error = %v, want %s", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseStorageDirective(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseStorageDirective(%q) (-want +got):\n%s", tt.in, diff)
		}
		if got.String() != tt.str {
			t.Errorf("String() = %q, want %q", got.String(), tt.str)
		}
	}
	if _, err := parseStorage(map[string]string{"Data": "1G"}); !errors.Is(err, ErrInvalidName) {
		t.Errorf("bad storage name: %v", err)
	}
}

func FuzzParseStorageDirective(f *testing.F) {
	for _, s := range []string{"ebs,10G,3", "10G", "rootfs", "2", ",", "1.5P"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseStorageDirective(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidArgument) {
				t.Fatalf("error %v does not match ErrInvalidArgument", err)
			}
			return
		}
		if d == (StorageDirective{}) {
			return
		}
		again, err := ParseStorageDirective(d.String())
		if err != nil || again != d {
			t.Fatalf("round trip of %q: %+v -> %q -> %+v, %v", s, d, d.String(), again, err)
		}
	})
}

func TestClassifyCharm(t *testing.T) {
	tests := []struct {
		in   string
		kind charmKind
		ref  string
		err  error
	}{
		{"postgresql", charmHub, "postgresql", nil},
		{"ch:postgresql", charmHub, "postgresql", nil},
		{"ch:amd64/postgresql", charmHub, "postgresql", nil},
		{"local:foo-3", charmUploaded, "local:foo-3", nil},
		{"./foo", charmPath, "./foo", nil},
		{"/tmp/foo.charm", charmPath, "/tmp/foo.charm", nil},
		{"foo.charm", charmPath, "foo.charm", nil},
		{"", 0, "", ErrInvalidArgument},
		{"cs:foo", 0, "", ErrInvalidArgument},
		{"Foo", 0, "", ErrInvalidName},
		{"ch:Foo", 0, "", ErrInvalidName},
	}
	for _, tt := range tests {
		kind, ref, err := classifyCharm(tt.in)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("classifyCharm(%q) error %v, want %v", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || kind != tt.kind || ref != tt.ref {
			t.Errorf("classifyCharm(%q) = %v %q %v", tt.in, kind, ref, err)
		}
	}
}

func TestParseCharmChannel(t *testing.T) {
	tests := []struct {
		in   string
		want charmChannel
		str  string
		bad  bool
	}{
		{in: "14/stable", want: charmChannel{track: "14", risk: "stable"}, str: "14/stable"},
		{in: "edge", want: charmChannel{risk: "edge"}, str: "edge"},
		{in: "14", want: charmChannel{track: "14", risk: "stable"}, str: "14/stable"},
		{in: "latest/edge/fix", want: charmChannel{track: "latest", risk: "edge", branch: "fix"}, str: "latest/edge/fix"},
		{in: "edge/fix", want: charmChannel{risk: "edge", branch: "fix"}, str: "edge/fix"},
		{in: "14/unstable", bad: true},
		{in: "a/b/c/d", bad: true},
		{in: "14/", bad: true},
		{in: "a/nope/c", bad: true},
	}
	for _, tt := range tests {
		got, err := parseCharmChannel(tt.in)
		if tt.bad {
			if !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("parseCharmChannel(%q) error %v", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want || got.String() != tt.str {
			t.Errorf("parseCharmChannel(%q) = %+v (%q), %v", tt.in, got, got.String(), err)
		}
	}
	for in, want := range map[string]string{"ch:amd64/jammy/postgresql-468": "postgresql", "local:foo-bar-3": "foo-bar", "ch:mysql": "mysql", "pg-k8s": "pg-k8s"} {
		if got := charmNameFromURL(in); got != want {
			t.Errorf("charmNameFromURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseVersionAndFeatures(t *testing.T) {
	for in, want := range map[string][2]int{"4.0.15": {4, 0}, "3.6.28": {3, 6}, "4.1-beta2": {4, 1}, "3.6-rc1.2": {3, 6}, "": {0, 0}, "x": {0, 0}} {
		ma, mi := parseVersion(in)
		if ma != want[0] || mi != want[1] {
			t.Errorf("parseVersion(%q) = %d.%d", in, ma, mi)
		}
	}
	f4, f36 := featuresFor("4.0.15"), featuresFor("3.6.28")
	if !f4.juju4 || f36.juju4 || f4.allowsSeries() || !f36.allowsSeries() {
		t.Errorf("juju4 flags wrong")
	}
}

func TestHTTPError(t *testing.T) {
	tests := []struct {
		status int
		body   string
		msg    string
		match  error
	}{
		{400, `{"error":"bad charm","error-code":"bad request"}`, "bad charm", ErrNotValid},
		{404, `{"error":{"message":"model not found","code":"model not found"}}`, "model not found", ErrNotFound},
		{401, `{"message":"no","code":"unauthorized access"}`, "no", ErrUnauthorized},
		{403, `<html>nope</html>`, "Forbidden: <html>nope</html>", ErrForbidden},
		{404, ``, "Not Found", ErrNotFound},
	}
	for _, tt := range tests {
		err := httpError(tt.status, []byte(tt.body))
		if err.Error() != tt.msg || !errors.Is(err, tt.match) {
			t.Errorf("httpError(%d, %s) = %v, want %q matching %v", tt.status, tt.body, err, tt.msg, tt.match)
		}
	}
}

// zipFiles builds a zip archive from name -> content (mode 0755 for names
// starting with "hooks/" or "dispatch").
func zipFiles(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedKeys(files) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseCharmArchive(t *testing.T) {
	good := map[string]string{
		"metadata.yaml": "name: foo\nsubordinate: true\nseries: [focal]\nresources:\n  img:\n    type: oci-image\n  cfg: {}\n",
		"config.yaml":   "options:\n  a:\n    type: int\n    default: 1\n  b:\n    description: untyped\n",
		"revision":      "7\n",
		"dispatch":      "#!/bin/sh\n",
	}
	c, err := parseCharmArchive("foo.charm", zipFiles(t, good))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]ConfigOption{"a": {Type: "int", Default: 1}, "b": {Type: "string", Description: "untyped"}}
	if diff := cmp.Diff(want, c.options); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	if c.name != "foo" || c.revision != 7 || !c.subordinate || c.curl() != "local:foo-7" || len(c.objectName()) != len("foo-")+7 {
		t.Errorf("charm %+v", c)
	}
	if diff := cmp.Diff([]Base{{"ubuntu", "20.04"}}, c.bases); diff != "" {
		t.Errorf("bases from series (-want +got):\n%s", diff)
	}
	types := map[string]string{}
	for n, r := range c.resources {
		types[n] = r.typ
	}
	if diff := cmp.Diff(map[string]string{"img": "oci-image", "cfg": "file"}, types); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	bad := []struct {
		name  string
		files map[string]string
		msg   string
	}{
		{"no metadata", map[string]string{"dispatch": ""}, `invalid charm "x": no metadata.yaml`},
		{"no name", map[string]string{"metadata.yaml": "summary: x\n", "dispatch": ""}, `invalid charm "x": metadata.yaml has no name`},
		{"bad name", map[string]string{"metadata.yaml": "name: Foo\n", "dispatch": ""}, `invalid charm "x": "Foo" is not a valid charm name`},
		{"no hooks", map[string]string{"metadata.yaml": "name: foo\n"}, `invalid charm "x": it has neither hooks nor a dispatch script`},
		{"bad yaml", map[string]string{"metadata.yaml": "name: [\n", "dispatch": ""}, `invalid charm "x": cannot parse metadata.yaml`},
		{"bad revision", map[string]string{"metadata.yaml": "name: foo\n", "dispatch": "", "revision": "x"}, `invalid charm "x": revision file holds "x", not a revision number`},
		{"bad config", map[string]string{"metadata.yaml": "name: foo\n", "dispatch": "", "config.yaml": "options: [\n"}, `invalid charm "x": cannot parse config.yaml`},
	}
	for _, tt := range bad {
		_, err := parseCharmArchive("x", zipFiles(t, tt.files))
		if !errors.Is(err, ErrInvalidCharm) || err == nil || len(err.Error()) < len(tt.msg) || err.Error()[:len(tt.msg)] != tt.msg {
			t.Errorf("%s: %v, want prefix %s", tt.name, err, tt.msg)
		}
	}
}

func TestZipCharmDir(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"hooks", ".git"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []struct {
		name, data string
		mode       os.FileMode
	}{
		{"metadata.yaml", "name: foo\n", 0o644},
		{"hooks/install", "#!/bin/sh\n", 0o755},
		{".git/HEAD", "ref", 0o644},
		{"old.charm", "zip", 0o644},
	} {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(f.name)), []byte(f.data), f.mode); err != nil {
			t.Fatal(err)
		}
	}
	data, err := zipCharmDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "hooks/install" && f.Mode()&0o111 == 0 {
			t.Errorf("hook lost its executable bit: %v", f.Mode())
		}
	}
	if diff := cmp.Diff([]string{"hooks/", "hooks/install", "metadata.yaml"}, names); diff != "" {
		t.Errorf("archive (-want +got):\n%s", diff)
	}
	if _, err := readLocalCharm(dir); err != nil {
		t.Errorf("readLocalCharm(dir): %v", err)
	}
}

func TestChooseCharmBase(t *testing.T) {
	b2204, b2404, b2004 := Base{"ubuntu", "22.04"}, Base{"ubuntu", "24.04"}, Base{"ubuntu", "20.04"}
	tests := []struct {
		name      string
		requested Base
		supported []Base
		model     Base
		want      Base
		err       bool
	}{
		{"requested and supported", b2204, []Base{b2404, b2204}, Base{}, b2204, false},
		{"requested with risk", Base{"ubuntu", "22.04/stable"}, []Base{{"ubuntu", "22.04/stable"}}, Base{}, Base{"ubuntu", "22.04/stable"}, false},
		{"requested unsupported", b2004, []Base{b2404}, Base{}, Base{}, true},
		{"model default", Base{}, []Base{b2204, b2404}, b2204, b2204, false},
		{"model default unsupported", Base{}, []Base{b2004, b2204}, b2404, b2204, false},
		{"newest LTS", Base{}, []Base{b2004, b2204, b2404}, Base{}, b2404, false},
		{"first", Base{}, []Base{{"centos", "9"}}, Base{}, Base{"centos", "9"}, false},
		{"no bases", Base{}, nil, Base{}, Base{}, false},
		{"no bases, model default", Base{}, nil, b2204, b2204, false},
	}
	for _, tt := range tests {
		got, err := chooseCharmBase(tt.requested, tt.supported, tt.model)
		if tt.err {
			if !errors.Is(err, ErrInvalidBase) {
				t.Errorf("%s: error %v", tt.name, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: got %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}
