package cli

import "testing"

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
