package juju

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkRestart restarts the controller under a steady load of reads
// (4 goroutines calling Model.Config in a loop) and reports, per restart:
//
//   - ms-to-first-call: from the restarted controller answering (Restart
//     returned: the new listener accepts connections) to the first read
//     that completes successfully after it;
//   - failed/restart: reads that returned an error to their caller;
//   - retried/restart: reads sent again on a new connection, transparently;
//   - calls/restart: reads completed during the iteration.
//
// It measures, it asserts nothing: see TestReadRidesThroughRestart.
func BenchmarkRestart(b *testing.B) { benchRestart(b, true) }

// BenchmarkRestartNoRetry is BenchmarkRestart with retries disabled
// (Config.RetryTimeout < 0), as reads behaved before they were retried:
// compare failed/restart.
func BenchmarkRestartNoRetry(b *testing.B) { benchRestart(b, false) }

func benchRestart(b *testing.B, retry bool) {
	srv := startSimB(b)
	cfg := simConfig(srv)
	if !retry {
		cfg.RetryTimeout = -1
	}
	c, err := Connect(b.Context(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	m, err := c.Model(b.Context(), "default")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := m.Config(b.Context()); err != nil {
		b.Fatal(err)
	}
	var firstTotal time.Duration
	var failed, calls atomic.Int64
	retriesBefore := c.retries.Load()
	b.ResetTimer()
	for range b.N {
		ctx, cancel := context.WithCancel(b.Context())
		var restarted atomic.Int64 // UnixNano when Restart returned; 0 before
		firstAfter := make(chan time.Time, 1)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					_, err := m.Config(ctx)
					done := time.Now()
					if ctx.Err() != nil {
						return
					}
					calls.Add(1)
					if err != nil {
						failed.Add(1)
						continue
					}
					if r := restarted.Load(); r != 0 && done.UnixNano() > r {
						select {
						case firstAfter <- done:
						default:
						}
					}
				}
			}()
		}
		time.Sleep(5 * time.Millisecond) // calls in flight when the controller goes
		if err := srv.Restart(ctx); err != nil {
			b.Fatal(err)
		}
		answering := time.Now()
		restarted.Store(answering.UnixNano())
		select {
		case first := <-firstAfter:
			firstTotal += first.Sub(answering)
		case <-time.After(30 * time.Second):
			b.Fatal("no successful call within 30s of the restart")
		}
		cancel()
		wg.Wait()
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(firstTotal.Microseconds())/1000/n, "ms-to-first-call")
	b.ReportMetric(float64(failed.Load())/n, "failed/restart")
	if retry {
		b.ReportMetric(float64(c.retries.Load()-retriesBefore)/n, "retried/restart")
	}
	b.ReportMetric(float64(calls.Load())/n, "calls/restart")
}
