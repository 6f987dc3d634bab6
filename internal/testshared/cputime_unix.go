//go:build unix

package testshared

import (
	"syscall"
	"time"
)

// ProcessCPU returns the CPU time (user and system) the test process has
// used so far, and whether it could tell; benchmarks report it beside
// wall time, which a busy machine disturbs more.
func ProcessCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
