//go:build !unix

package jujudata_test

import (
	"os"
	"sync"
	"testing"
)

// holdLock takes the store lock as another process would and returns a
// function (safe to call twice) that releases it.
func holdLock(t *testing.T, path string) func() {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	var once sync.Once
	return func() { once.Do(func() { os.Remove(path) }) }
}
