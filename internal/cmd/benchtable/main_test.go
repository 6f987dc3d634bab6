package main

import (
	"bytes"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseAndPrint(t *testing.T) {
	in := `goos: linux
pkg: github.com/gojuju/juju/rpc
BenchmarkCallSequential-2   	   30000	     69000 ns/op	    4800 B/op	      75 allocs/op
BenchmarkDecode/units=1000-2	     100	  12000000 ns/op	  1200.5 ns/unit	  312 B/op	       6 allocs/op
BenchmarkNoisy log line from a benchmark
pkg: github.com/gojuju/juju
BenchmarkWait-2	10	1500000000 ns/op
--- FAIL: BenchmarkBroken
ok  	github.com/gojuju/juju/rpc	3.1s
`
	var echo bytes.Buffer
	rows := parse(strings.NewReader(in), &echo)
	if len(rows) != 3 {
		t.Fatalf("parsed %d rows, want 3: %+v", len(rows), rows)
	}
	if !strings.Contains(echo.String(), "--- FAIL: BenchmarkBroken") {
		t.Errorf("failure line not echoed: %q", echo.String())
	}
	var out bytes.Buffer
	print(&out, rows)
	for _, want := range []string{
		"CallSequential-2",
		"69.00 µs",
		"1200.5 ns/unit",
		"12.00 ms",
		"\njuju ",
		"1.50 s",
		"4800",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}
