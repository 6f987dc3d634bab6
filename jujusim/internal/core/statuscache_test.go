package core

import "testing"

// The cached FullStatus replies are checked against fresh ones in test
// binaries, which are told by their -test.v flag rather than by importing
// the testing package into what users link.
func TestStatusCacheCheckedInTestBinaries(t *testing.T) {
	if !useStatusCache || !checkStatusCache() {
		t.Fatalf("in a test binary: cache used %v, checked %v; want both", useStatusCache, checkStatusCache())
	}
}
