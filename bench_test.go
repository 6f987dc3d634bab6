package juju

import (
	"testing"
)

func BenchmarkParseConstraints(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseConstraints("mem=4G cores=2 arch=amd64 zones=a,b spaces=db,^dmz root-disk=20G"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseBase(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseBase("ubuntu@24.04/candidate"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkConfigStrings(b *testing.B) {
	options := map[string]ConfigOption{"a": {Type: OptionString}, "b": {Type: OptionInt}, "c": {Type: OptionFloat}, "d": {Type: OptionBoolean}}
	settings := map[string]any{"a": "x", "b": 3, "c": 0.5, "d": true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := configStrings(settings, options); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddUnit measures one Application.AddUnits round trip to a
// simulated controller over a loopback websocket.
func BenchmarkAddUnit(b *testing.B) {
	srv := startSimB(b)
	c, err := Connect(b.Context(), simConfig(srv))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	m, err := c.Model(b.Context(), "default")
	if err != nil {
		b.Fatal(err)
	}
	app, err := m.Deploy(b.Context(), "ubuntu", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := app.AddUnits(b.Context(), 1, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeployLocal measures deploying a local charm archive: model
// constraints and config, the HTTP upload, charm info and Deploy.
func BenchmarkDeployLocal(b *testing.B) {
	srv := startSimB(b)
	c, err := Connect(b.Context(), simConfig(srv))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	m, err := c.Model(b.Context(), "default")
	if err != nil {
		b.Fatal(err)
	}
	data, err := zipCharmDir("testdata/charms/tiny-db")
	if err != nil {
		b.Fatal(err)
	}
	p := b.TempDir() + "/tiny-db.charm"
	if err := writeFile(p, data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, err := m.Deploy(b.Context(), p, &DeployOptions{Name: "db" + itoaLetters(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// itoaLetters spells n in letters, since application names need a letter
// in every hyphen-separated part.
func itoaLetters(n int) string {
	s := ""
	for {
		s = string(rune('a'+n%26)) + s
		n /= 26
		if n == 0 {
			return s
		}
	}
}
