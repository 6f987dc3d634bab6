package jujutest

import (
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju"
)

func TestModelName(t *testing.T) {
	tests := []struct {
		stem, want string
	}{
		{"TestDeploy", "test-deploy"},
		{"TestDeploy/sub_test#01", "test-deploy-sub-test-01"},
		{"TestHTTPServer", "test-httpserver"},
		{"my-model", "my-model"},
		{"42", "test-42"},
		{"", "test"},
		{"__x__", "x"},
		{strings.Repeat("TestLong", 20), "test-long-test-long-test-long-test-long"},
	}
	for _, tt := range tests {
		got := modelName(tt.stem)
		stem, suffix, ok := cutLast(got, "-")
		if !ok || len(suffix) != 6 || stem != tt.want {
			t.Errorf("modelName(%q) = %q, want %q plus a 6-character suffix", tt.stem, got, tt.want)
		}
		if !juju.IsValidModelName(got) {
			t.Errorf("modelName(%q) = %q, not a valid model name", tt.stem, got)
		}
	}
	if a, b := modelName("TestX"), modelName("TestX"); a == b {
		t.Errorf("two models for the same test are both called %q", a)
	}
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

func TestParseKeep(t *testing.T) {
	tests := map[string]keepMode{
		"": keepNone, "0": keepNone, "false": keepNone, "off": keepNone, "No": keepNone,
		"1": keepAll, "true": keepAll, "all": keepAll, "yes": keepAll,
		"failed": keepFailed, " FAILED ": keepFailed,
	}
	for in, want := range tests {
		if got := parseKeep(in); got != want {
			t.Errorf("parseKeep(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestEarlyMargin(t *testing.T) {
	tests := []struct{ left, want time.Duration }{
		{10 * time.Minute, 30 * time.Second},
		{time.Minute, 6 * time.Second},
		{500 * time.Millisecond, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := earlyMargin(tt.left); got != tt.want {
			t.Errorf("earlyMargin(%s) = %s, want %s", tt.left, got, tt.want)
		}
	}
}
