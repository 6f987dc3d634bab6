package status_test

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/status"
)

// BenchmarkWaitMemory measures what a long wait over a 10,000-unit model
// costs per poll and how much heap it holds: one op is one poll of a wait
// whose condition never holds. B/op and allocs/op are per poll;
// peak-heap-MB is the largest heap (objects, live or not yet collected)
// sampled while it ran, peak-live-MB the largest live heap the GC found.
//
//	go test -run '^$' -bench WaitMemory -benchtime 50x ./status
//
// source=replay decodes the same saved FullStatus reply (about 12 MB at
// 10,000 units) at each poll: the client's side alone (decoding, diff,
// evaluation), with the simulator closed so that its heap does not count;
// wait=predicate is Wait on a predicate that never holds, wait=idle-busy
// WaitForIdle with every unit busy (a reason string per unit per poll). source=sim polls an
// in-process simulator through a Model: end to end, the simulator's own
// heap and allocations included. The process-level figure, `gojuju wait`
// against `gojuju sim` in another process, is printed by `go run
// ./internal/cmd/benchtable -compare`.
func BenchmarkWaitMemory(b *testing.B) {
	const units = 10000
	never := status.Cond("never", func(*status.Status) bool { return false })
	b.Run(fmt.Sprintf("source=replay/units=%d", units), func(b *testing.B) {
		srv, m := benchSim(b, units)
		var raw json.RawMessage
		if err := m.CallVersion(context.Background(), "Client", 8, "FullStatus", "", facades.StatusParams{}, &raw); err != nil {
			b.Fatal(err)
		}
		// Only the client's heap counts from here on.
		m.Close()
		srv.Close()
		w := &status.Waiter{Source: &replaySource{raw: raw}}
		b.Run("wait=predicate", func(b *testing.B) {
			measureWait(b, func(ctx context.Context, progress func(status.WaitProgress)) error {
				_, err := w.Wait(ctx, never, &status.WaitOptions{Timeout: -1, Progress: progress})
				return err
			})
		})
		// WaitForIdle for a workload status no unit has: every unit is
		// busy at every poll, with a reason.
		b.Run("wait=idle-busy", func(b *testing.B) {
			measureWait(b, func(ctx context.Context, progress func(status.WaitProgress)) error {
				_, err := w.WaitForIdle(ctx, &status.WaitForIdleOptions{Status: "blocked", Timeout: -1, Progress: progress})
				return err
			})
		})
	})
	b.Run(fmt.Sprintf("source=sim/units=%d", units), func(b *testing.B) {
		_, m := benchSim(b, units)
		measureWait(b, func(ctx context.Context, progress func(status.WaitProgress)) error {
			_, err := m.Wait(ctx, never, &status.WaitOptions{Timeout: -1, Interval: time.Millisecond, Progress: progress})
			return err
		})
	})
}

// measureWait runs wait until it has polled b.N times and reports the
// peak heap.
func measureWait(b *testing.B, wait func(ctx context.Context, progress func(status.WaitProgress)) error) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	peak := startHeapSampler()
	polls := 0
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	err := wait(ctx, func(status.WaitProgress) {
		peak.sample()
		if polls++; polls >= b.N {
			cancel()
		}
	})
	b.StopTimer()
	heap, live := peak.stop()
	if ctx.Err() == nil {
		b.Fatalf("wait ended before %d polls: %v", b.N, err)
	}
	b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(live)/(1<<20), "peak-live-MB")
}

// replaySource returns the same FullStatus reply, decoded anew, at each
// Next.
type replaySource struct{ raw []byte }

func (r *replaySource) Next(ctx context.Context) (*status.Status, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return status.ParseFullStatus(r.raw)
}

func (r *replaySource) Close() error { return nil }

// heapSampler records the largest heap seen by a goroutine sampling
// runtime/metrics every millisecond (and by explicit samples).
type heapSampler struct {
	mu         sync.Mutex
	samples    []metrics.Sample
	heap, live uint64
	done       chan struct{}
	stopped    sync.WaitGroup
	running    atomic.Bool
}

func startHeapSampler() *heapSampler {
	h := &heapSampler{
		samples: []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}},
		done:    make(chan struct{}),
	}
	h.running.Store(true)
	h.stopped.Add(1)
	go func() {
		defer h.stopped.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-h.done:
				return
			case <-t.C:
				h.sample()
			}
		}
	}()
	return h
}

func (h *heapSampler) sample() {
	h.mu.Lock()
	defer h.mu.Unlock()
	metrics.Read(h.samples)
	h.heap = max(h.heap, h.samples[0].Value.Uint64())
	h.live = max(h.live, h.samples[1].Value.Uint64())
}

// stop stops the sampler and returns the peaks.
func (h *heapSampler) stop() (heap, live uint64) {
	if h.running.Swap(false) {
		close(h.done)
		h.stopped.Wait()
	}
	h.sample()
	return h.heap, h.live
}
