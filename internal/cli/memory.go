package cli

import (
	"os"
	"runtime"
	"sync/atomic"
)

// Memory tuning of a gojuju process of its own (cmd/gojuju turns it on with
// TuneMemory; tests driving Run in their process leave it off).
//
// A command that polls (wait, status --watch) holds the previous snapshot
// while it decodes the next, and decoding leaves several times a
// snapshot's size of garbage (the reply's bytes, the wire structures).
// With the runtime's defaults a collection that runs during a decoding
// finds much of that still live, and the next heap goal doubles it: at
// 10,000 units a wait's peak RSS reached 155-165 MB while it held about
// 30 MB between polls. Collecting once after each poll, when the heap
// holds just the snapshots, brings the goal back to what the wait holds:
// a 20 s wait at 10,000 units peaked at 111 MB instead of 145 MB, for 9%
// more CPU (`go run ./internal/cmd/benchtable -compare -beds sim -units
// 10000 -base REV`). A soft memory limit lowered it further but cost 2-3
// times the CPU per poll while the decoding's garbage exceeded it, so
// there is none. GOGC or GOMEMLIMIT in the environment
// leave the runtime alone.

// tuneMemory is set by TuneMemory.
var tuneMemory atomic.Bool

// TuneMemory lets the polling commands tune the Go runtime's memory use,
// for a process that runs one command (cmd/gojuju calls it). It does
// nothing when GOGC or GOMEMLIMIT is set in the environment.
func TuneMemory() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	tuneMemory.Store(true)
}

// afterPoll runs after each snapshot of a polling command (see above).
func afterPoll() {
	if tuneMemory.Load() {
		runtime.GC()
	}
}
