package juju

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/gojuju/juju/internal/facades"
	"github.com/gojuju/juju/jujusim"
)

// Benchmarks of status snapshots and waits against the simulator.
//
//	go test -run '^$' -bench 'Status|Wait' -benchmem .

// wtBenchSim starts a simulator on a fake clock with units units spread
// over applications of 100 (or fewer), settled.
func wtBenchSim(b *testing.B, units int) (*jujusim.Server, *Model) {
	b.Helper()
	ctx := context.Background()
	srv, err := jujusim.Start(ctx, jujusim.Config{Clock: jujusim.NewFakeClock(time.Time{}), Speed: jujusim.SpeedFast})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	apps := map[string]int{}
	for i := 0; units > 0; i++ {
		n := min(units, 100)
		apps[fmt.Sprintf("app%d", i)] = n
		units -= n
	}
	if err := srv.Seed(srv.DefaultModelUUID(), apps); err != nil {
		b.Fatal(err)
	}
	for range 30 {
		if err := srv.Advance(time.Second); err != nil {
			b.Fatal(err)
		}
	}
	m, err := ConnectModel(ctx, Config{
		Addrs: srv.APIAddresses(), CACert: srv.CACert(), Username: srv.AdminUser(),
		Password: srv.AdminPassword(), ModelUUID: srv.DefaultModelUUID(), PingInterval: -1,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	return srv, m
}

var wtBenchSizes = []int{10, 100, 1000, 10000}

// BenchmarkStatusFetch measures Model.Status end to end: the FullStatus
// call over the loopback websocket (the simulator building the reply
// included) and the decoding into a Status.
func BenchmarkStatusFetch(b *testing.B) {
	for _, n := range wtBenchSizes {
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			_, m := wtBenchSim(b, n)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				s, err := m.Status(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				if len(s.units) != n {
					b.Fatalf("%d units, want %d", len(s.units), n)
				}
			}
		})
	}
}

// BenchmarkStatusDecode measures the client side only: JSON bytes of a
// FullStatus reply to a Status (ParseFullStatus), and the conversion of an
// already decoded wire FullStatus into a Status.
func BenchmarkStatusDecode(b *testing.B) {
	for _, n := range wtBenchSizes {
		_, m := wtBenchSim(b, n)
		ctx := context.Background()
		conn, err := m.conn(ctx)
		if err != nil {
			b.Fatal(err)
		}
		var raw json.RawMessage
		if err := conn.CallVersion(ctx, "Client", 8, "FullStatus", "", facades.StatusParams{}, &raw); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("json/units=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if _, err := ParseFullStatus(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
		var fs facades.FullStatus
		if err := json.Unmarshal(raw, &fs); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("convert/units=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = stFromWire(&fs)
			}
		})
		b.Run(fmt.Sprintf("evaluate/units=%d", n), func(b *testing.B) {
			s := stFromWire(&fs)
			prev := stFromWire(&fs)
			b.ReportAllocs()
			for b.Loop() {
				ev := &wtIdleEval{idle: DefaultIdlePeriod, errorSince: map[string]time.Time{}, idleSeen: map[string]time.Time{}}
				ev.opts.AtLeastUnits = 1
				_ = ev.eval(s)
				_ = s.Changes(prev)
			}
		})
	}
}

// BenchmarkWaitSettled measures WaitForIdle with the default 15 s idle
// period on a model that has been settled for longer than that: it must
// return after one poll (milliseconds), not after 15 s.
func BenchmarkWaitSettled(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			_, m := wtBenchSim(b, n)
			ctx := context.Background()
			polls := 0
			b.ResetTimer()
			for b.Loop() {
				if _, err := m.WaitForIdle(ctx, &WaitForIdleOptions{Progress: func(WaitProgress) { polls++ }}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(polls)/float64(b.N), "polls/op")
		})
	}
}

// BenchmarkWaitDetectionLatency measures the time from the simulator
// reaching the awaited condition (the end of the clock advance that
// settles a freshly deployed application) to Wait returning, at polling
// intervals of 1 s and 100 ms.
func BenchmarkWaitDetectionLatency(b *testing.B) {
	for _, interval := range []time.Duration{time.Second, 100 * time.Millisecond} {
		b.Run(fmt.Sprintf("interval=%s", interval), func(b *testing.B) {
			srv, m := wtBenchSim(b, 10)
			ctx := context.Background()
			var total time.Duration
			i := 0
			for b.Loop() {
				i++
				app := fmt.Sprintf("fresh%d", i)
				if err := srv.Seed(srv.DefaultModelUUID(), map[string]int{app: 1}); err != nil {
					b.Fatal(err)
				}
				reached := make(chan time.Time, 1)
				first := true
				_, err := m.Wait(ctx, All(AllActive(app), AllAgentsIdle(app)), &WaitOptions{
					Successes: 1, Interval: interval, Apps: []string{app},
					Progress: func(p WaitProgress) {
						if first {
							// The wait is polling and sees the application
							// busy: settle it in one clock advance.
							first = false
							go func() {
								_ = srv.Advance(30 * time.Second)
								reached <- time.Now()
							}()
						}
					},
				})
				done := time.Now()
				if err != nil {
					b.Fatal(err)
				}
				total += done.Sub(<-reached)
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "latency-ms/op")
		})
	}
}
