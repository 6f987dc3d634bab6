package cli

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// TestTuneMemoryRespectsEnvironment: GOGC or GOMEMLIMIT set by the user
// leave the runtime's settings alone.
func TestTuneMemoryRespectsEnvironment(t *testing.T) {
	defer tuneMemory.Store(false)
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			tuneMemory.Store(false)
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv(env, "200")
			TuneMemory()
			if tuneMemory.Load() {
				t.Errorf("TuneMemory with %s set turned tuning on", env)
			}
		})
	}
	tuneMemory.Store(false)
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	TuneMemory()
	if !tuneMemory.Load() {
		t.Error("TuneMemory without GOGC or GOMEMLIMIT left tuning off")
	}
	afterPoll() // collects; must not fail
}

// TestOneShot: a one-shot command runs without collections until the
// first one (forced here), after which the runtime's defaults are back.
func TestOneShot(t *testing.T) {
	defer func() {
		tuneMemory.Store(false)
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	}()
	tuneMemory.Store(false)
	oneShot()
	if gogc, _ := gcSettings(); gogc != 100 {
		t.Fatalf("without TuneMemory: GOGC %d, want 100", gogc)
	}
	tuneMemory.Store(true)
	oneShot()
	if gogc, limit := gcSettings(); gogc != -1 || limit != oneShotHeap {
		t.Fatalf("GOGC %d, limit %d; want off, %d", gogc, limit, oneShotHeap)
	}
	for i := 0; ; i++ {
		runtime.GC()
		if gogc, limit := gcSettings(); gogc == 100 && limit == math.MaxInt64 {
			break
		}
		if i == 1000 {
			t.Fatal("the defaults did not come back after a collection")
		}
		time.Sleep(time.Millisecond)
	}
}

// gcSettings returns GOGC (-1 for off) and the memory limit in force.
func gcSettings() (int64, int64) {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64()), int64(s[1].Value.Uint64())
}
