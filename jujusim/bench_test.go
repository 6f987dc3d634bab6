package jujusim

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gojuju/juju/jujusim/internal/core"
)

// BenchmarkLogin measures complete logins: TCP and TLS handshake,
// websocket upgrade, Admin.Login and close.
func BenchmarkLogin(b *testing.B) {
	s := startServer(b, Config{})
	b.ReportAllocs()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		ws, err := dialPath(b, s, "/model/"+s.DefaultModelUUID()+"/api", nil)
		if err != nil {
			b.Fatal(err)
		}
		c := &testConn{t: b, ws: ws}
		c.login(s)
		_ = ws.CloseNow()
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "logins/s")
}

// BenchmarkLoginParallel measures logins from several clients at once.
func BenchmarkLoginParallel(b *testing.B) {
	s := startServer(b, Config{})
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ws, err := dialPath(b, s, "/api", nil)
			if err != nil {
				b.Error(err)
				return
			}
			c := &testConn{t: b, ws: ws}
			c.login(s)
			_ = ws.CloseNow()
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "logins/s")
}

// BenchmarkFullStatus measures Client.FullStatus of a settled model served
// over the socket, including reading the whole reply, with every poll built
// and encoded (as when the model changes between polls).
func BenchmarkFullStatus(b *testing.B) {
	core.SetStatusCache(false, false)
	defer core.SetStatusCache(true, true)
	benchFullStatus(b)
}

// BenchmarkFullStatusUnchanged is BenchmarkFullStatus for a model that does
// not change between polls, whose polls after the first are served from
// the simulator's cache of the encoded reply.
func BenchmarkFullStatusUnchanged(b *testing.B) {
	core.SetStatusCache(true, false)
	defer core.SetStatusCache(true, true)
	benchFullStatus(b)
}

func benchFullStatus(b *testing.B) {
	for _, units := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("units=%d", units), func(b *testing.B) {
			s := startServer(b, Config{Speed: SpeedInstant})
			apps := map[string]int{}
			const perApp = 100
			for i := 0; i < units/perApp; i++ {
				apps[fmt.Sprintf("app%d", i)] = perApp
			}
			if err := s.Seed(s.DefaultModelUUID(), apps); err != nil {
				b.Fatal(err)
			}
			c := dial(b, s, s.DefaultModelUUID())
			c.login(s)
			// Warm up and check the size once.
			f := c.call("Client", 8, "FullStatus", map[string]any{"patterns": []string{}})
			if f["error"] != nil {
				b.Fatalf("FullStatus: %s", f)
			}
			b.SetBytes(int64(len(f["response"])))
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				id := c.send("Client", 8, "FullStatus", map[string]any{"patterns": []string{}})
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				_, data, err := c.ws.Read(ctx)
				cancel()
				if err != nil {
					b.Fatal(err)
				}
				_ = id
				_ = data
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
		})
	}
}
