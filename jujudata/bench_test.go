package jujudata_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/gojuju/juju/jujudata"
)

func BenchmarkParseControllers(b *testing.B) {
	data := []byte(controllersYAML)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := jujudata.ParseControllers(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolveModel reads controllers.yaml, accounts.yaml and
// models.yaml from disk and resolves a bare model name.
func BenchmarkResolveModel(b *testing.B) {
	s := fullStore(b, nil)
	for b.Loop() {
		if _, err := s.ResolveModel("dev:default"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdateModel measures a locked, fsynced, atomic rewrite of
// models.yaml; it is dominated by the file system's fsync.
func BenchmarkUpdateModel(b *testing.B) {
	s := fullStore(b, nil)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		name := fmt.Sprintf("admin/m%d", i%20)
		if err := s.UpdateModel(ctx, "dev", name, jujudata.ModelDetails{UUID: name, Type: "iaas"}); err != nil {
			b.Fatal(err)
		}
	}
}
