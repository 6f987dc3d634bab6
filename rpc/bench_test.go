package rpc_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gojuju/juju/rpc"
)

type benchParams struct {
	Entities []struct {
		Tag string `json:"tag"`
	} `json:"entities"`
}

// benchConn dials the test server for a benchmark.
func benchConn(b *testing.B) *rpc.Conn {
	s := newTestServer(b)
	cfg := s.config()
	cfg.PingInterval = -1
	return dial(b, cfg)
}

func benchArgs() benchParams {
	var p benchParams
	p.Entities = append(p.Entities, struct {
		Tag string `json:"tag"`
	}{Tag: "application-postgresql"})
	return p
}

// BenchmarkCallSequential measures round trips of one call at a time over one
// loopback TLS websocket (client and test server in the same process).
func BenchmarkCallSequential(b *testing.B) {
	c := benchConn(b)
	ctx := context.Background()
	params := benchArgs()
	var res echoResult
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := c.Call(ctx, "Test", "Echo", "", params, &res); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCall64InFlight measures call throughput with 64 calls in flight
// on one connection.
func BenchmarkCall64InFlight(b *testing.B) {
	c := benchConn(b)
	ctx := context.Background()
	params := benchArgs()
	var remaining atomic.Int64
	remaining.Store(int64(b.N))
	var failed atomic.Value
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	for range 64 {
		wg.Go(func() {
			var res echoResult
			for remaining.Add(-1) >= 0 {
				if err := c.Call(ctx, "Test", "Echo", "", params, &res); err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if err, ok := failed.Load().(error); ok {
		b.Fatal(err)
	}
}
