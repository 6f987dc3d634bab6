package rpc

import (
	"fmt"
	"strings"
	"testing"
)

// largeFrame is a response shaped like a FullStatus of n units (about 400
// bytes each).
func largeFrame(n int) []byte {
	var sb strings.Builder
	sb.WriteString(`{"request-id":2,"response":{"applications":{"app":{"units":{`)
	for i := range n {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `"app/%d":{"agent-status":{"status":"idle","info":"","data":{},"since":"2026-11-25T23:02:33.84254842Z","kind":"","version":"4.0.15","life":""},`+
			`"workload-status":{"status":"active","info":"ready to serve \"requests\"","data":{},"since":"2026-11-25T23:02:33.84254842Z","kind":"","version":"","life":""},`+
			`"machine":"%d","public-address":"10.0.%d.%d","opened-ports":["80/tcp","443/tcp"],"subordinates":{}}`, i, i, i/256, i%256)
	}
	sb.WriteString(`}}}}}`)
	return []byte(sb.String())
}

// BenchmarkDecodeResponseLarge measures the frame decoder on a 10,000-unit
// FullStatus-sized response (the result itself is decoded by the caller).
func BenchmarkDecodeResponseLarge(b *testing.B) {
	data := largeFrame(10000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeResponse(data); err != nil {
			b.Fatal(err)
		}
	}
}
