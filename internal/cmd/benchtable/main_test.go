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

func TestSameOutput(t *testing.T) {
	a := `{"model":{"name":"m","model-status":{"current":"available","since":"04 Dec 2026 19:56:03Z"}},"machines":{},"controller":{"timestamp":"19:56:03Z"}}` + "\n"
	b := `{"model":{"name":"m","model-status":{"current":"available","since":"04 Dec 2026 19:56:05Z"}},"machines":{},"controller":{"timestamp":"19:56:05Z"}}` + "\n"
	if got := sameOutput([]byte(a), []byte(b)); !strings.HasPrefix(got, "output identical") {
		t.Errorf("sameOutput with other times = %q", got)
	}
	c := strings.Replace(b, `"machines":{}`, `"machines":{"0":{}}`, 1)
	if got := sameOutput([]byte(a), []byte(c)); !strings.Contains(got, "differ at byte") {
		t.Errorf("sameOutput of different outputs = %q", got)
	}
}

func TestSeedSpecAndMedian(t *testing.T) {
	if got := seedSpec(250); got != "app0=100,app1=100,app2=50" {
		t.Errorf("seedSpec(250) = %q", got)
	}
	m := median([]measurement{{cpu: 3, rss: 10, wall: 9}, {cpu: 1, rss: 30, wall: 8}, {cpu: 2, rss: 20, wall: 7}})
	if m != (measurement{cpu: 2, rss: 20, wall: 8}) {
		t.Errorf("median = %+v", m)
	}
}
