package cli

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"sync/atomic"
)

// Memory tuning of a gojuju process of its own (cmd/gojuju turns it on with
// TuneMemory; tests driving Run in their process leave it off).
//
// A command that polls (wait, status --watch) holds the previous snapshot
// while it decodes the next, and decoding leaves garbage (the wait's
// evaluation, strings, the maps' growth). With the runtime's defaults a
// collection that runs during a decoding finds much of the new snapshot
// already live, and the next heap goal doubles it. Collecting once after
// each poll, when the heap holds just the snapshots, brings the goal back
// to what the wait holds. A 20 s wait at 10,000 simulated units (gojuju
// wait, 1 s interval, against gojuju sim in another process, medians of 2
// interleaved runs on a loaded machine) peaked at 68 MB RSS with it and
// at 110 MB without it (GOGC=100 set), for the same CPU (3.0 s); before
// replies were decoded as they arrive (the whole reply, 31 MB, was read
// first), 111 MB and 145 MB for 9% more CPU. A soft memory limit lowered
// it further but cost 2-3 times the CPU per poll while the decoding's
// garbage exceeded it, so there is none.
//
// A command that fetches once and exits (status without --watch) keeps
// almost all it allocates until it exits: the snapshot, decoded as the
// reply arrives, then written out. Collections there find next to no
// garbage and cost CPU (and the memory of their own work), so it runs
// without them until the heap reaches oneShotHeap, then with the
// runtime's defaults. gojuju status --format=json against gojuju sim
// (medians of interleaved runs on a loaded machine): 1,000 units 86 -> 69
// ms CPU, 16.9 -> 16.3 MB peak RSS; 10,000 units 316 -> 263 ms, 40 MB
// both.
//
// GOGC or GOMEMLIMIT in the environment leave the runtime alone.

// tuneMemory is set by TuneMemory.
var tuneMemory atomic.Bool

// TuneMemory lets the commands tune the Go runtime's memory use (above),
// for a process that runs one command (cmd/gojuju calls it). It does
// nothing when GOGC or GOMEMLIMIT is set in the environment.
func TuneMemory() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	tuneMemory.Store(true)
}

// oneShotHeap is the heap a one-shot command grows to before it collects.
const oneShotHeap = 128 << 20

// oneShot tunes the runtime for a command that fetches once (see above).
func oneShot() {
	if !tuneMemory.Load() {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(oneShotHeap)
	// At the first collection (a very large model) the defaults come
	// back: the sentinel is unreachable at once, so the cleanup runs
	// after the first collection.
	runtime.AddCleanup(new([64]byte), func(struct{}) {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	}, struct{}{})
}

// afterPoll runs after each snapshot of a polling command (see above).
func afterPoll() {
	if tuneMemory.Load() {
		runtime.GC()
	}
}
