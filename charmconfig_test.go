package juju

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConfigString(t *testing.T) {
	opt := func(typ string) *ConfigOption { return &ConfigOption{Type: typ} }
	type myString string
	tests := []struct {
		name    string
		v       any
		opt     *ConfigOption
		want    string
		wantErr string
	}{
		// Charm options unknown: by Go type.
		{name: "s", v: "hello", want: "hello"},
		{name: "s", v: myString("x"), want: "x"},
		{name: "b", v: true, want: "true"},
		{name: "i", v: 42, want: "42"},
		{name: "i", v: int64(-3), want: "-3"},
		{name: "u", v: uint8(7), want: "7"},
		{name: "f", v: 1.5, want: "1.5"},
		{name: "f", v: float32(0.25), want: "0.25"},
		{name: "f", v: 1e21, want: "1e+21"},
		{name: "x", v: []string{"a"}, wantErr: `invalid config value for "x": a []string cannot be a config value (want string, bool, integer or float)`},
		{name: "x", v: nil, wantErr: `invalid config value for "x": value is nil (use unset to reset an option)`},
		// string
		{name: "greeting", v: "bonjour", opt: opt(OptionString), want: "bonjour"},
		{name: "greeting", v: 3, opt: opt(OptionString), wantErr: `invalid config value for "greeting": option is a string; got int`},
		// int
		{name: "workers", v: 3, opt: opt(OptionInt), want: "3"},
		{name: "workers", v: uint64(3), opt: opt(OptionInt), want: "3"},
		{name: "workers", v: 3.0, opt: opt(OptionInt), want: "3"},
		{name: "workers", v: " 3 ", opt: opt(OptionInt), want: "3"},
		{name: "workers", v: 3.5, opt: opt(OptionInt), wantErr: `invalid config value for "workers": option is an integer; got 3.5`},
		{name: "workers", v: math.Inf(1), opt: opt(OptionInt), wantErr: `invalid config value for "workers": option is an integer; got +Inf`},
		{name: "workers", v: "three", opt: opt(OptionInt), wantErr: `invalid config value for "workers": option is an integer; got "three"`},
		{name: "workers", v: true, opt: opt(OptionInt), wantErr: `invalid config value for "workers": option is an integer; got bool`},
		// float
		{name: "ratio", v: 0.5, opt: opt(OptionFloat), want: "0.5"},
		{name: "ratio", v: 2, opt: opt(OptionFloat), want: "2"},
		{name: "ratio", v: uint(2), opt: opt(OptionFloat), want: "2"},
		{name: "ratio", v: "1e3", opt: opt(OptionFloat), want: "1e3"},
		{name: "ratio", v: "NaN", opt: opt(OptionFloat), wantErr: `invalid config value for "ratio": option is a number; got "NaN"`},
		{name: "ratio", v: math.NaN(), opt: opt(OptionFloat), wantErr: `invalid config value for "ratio": option is a finite number; got NaN`},
		{name: "ratio", v: false, opt: opt(OptionFloat), wantErr: `invalid config value for "ratio": option is a number; got bool`},
		// boolean
		{name: "debug", v: true, opt: opt(OptionBoolean), want: "true"},
		{name: "debug", v: "False", opt: opt(OptionBoolean), want: "false"},
		{name: "debug", v: "1", opt: opt(OptionBoolean), want: "true"},
		{name: "debug", v: "yes", opt: opt(OptionBoolean), wantErr: `invalid config value for "debug": option is a boolean; got "yes"`},
		{name: "debug", v: 1, opt: opt(OptionBoolean), wantErr: `invalid config value for "debug": option is a boolean; got int`},
		// secret
		{name: "creds", v: "secret:cs0s1ib3a4l8g2c5nmgg", opt: opt(OptionSecret), want: "secret:cs0s1ib3a4l8g2c5nmgg"},
		{name: "creds", v: "secret://deadbeef-1bad-500d-9000-4b1d0d06f00d/cs0s1ib3a4l8g2c5nmgg", opt: opt(OptionSecret), want: "secret://deadbeef-1bad-500d-9000-4b1d0d06f00d/cs0s1ib3a4l8g2c5nmgg"},
		{name: "creds", v: "", opt: opt(OptionSecret), want: ""},
		{name: "creds", v: "hunter2", opt: opt(OptionSecret), wantErr: `invalid config value for "creds": option is a secret URI ("secret:<id>"); got "hunter2"`},
		{name: "creds", v: 1, opt: opt(OptionSecret), wantErr: `invalid config value for "creds": option is a secret URI; got int`},
		// unknown declared type: by Go type
		{name: "odd", v: 1, opt: opt("list"), want: "1"},
	}
	for _, tt := range tests {
		got, err := configString(tt.name, tt.v, tt.opt)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("configString(%q, %#v) error:\n got %v\nwant %s", tt.name, tt.v, err, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("configString(%q, %#v) error does not match ErrInvalidConfig", tt.name, tt.v)
			}
			continue
		}
		if err != nil {
			t.Errorf("configString(%q, %#v): %v", tt.name, tt.v, err)
			continue
		}
		if got != tt.want {
			t.Errorf("configString(%q, %#v) = %q, want %q", tt.name, tt.v, got, tt.want)
		}
	}
}

func TestConfigStrings(t *testing.T) {
	options := map[string]ConfigOption{
		"greeting": {Type: "string", Default: "hello", Description: "A greeting."},
		"workers":  {Type: "int", Default: float64(1)},
	}
	got, err := configStrings(map[string]any{"greeting": "bonjour", "workers": 3}, options)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"greeting": "bonjour", "workers": "3"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	_, err = configStrings(map[string]any{"greting": "x"}, options)
	if !errors.Is(err, ErrInvalidConfig) || err.Error() != `invalid config key "greting": the charm has no such option (it has greeting, workers)` {
		t.Errorf("unknown key: %v", err)
	}
	_, err = configStrings(map[string]any{"": "x"}, nil)
	if !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("empty key: %v", err)
	}
	_, err = configStrings(map[string]any{"workers": "many"}, options)
	if !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("bad value: %v", err)
	}
	got, err = configStrings(map[string]any{"anything": 1.25}, nil)
	if err != nil || got["anything"] != "1.25" {
		t.Errorf("unknown options: %v %v", got, err)
	}
}

func TestConfigYAML(t *testing.T) {
	got, err := configYAML("pg", map[string]string{"b": "true", "a": "3", "c": "plain"})
	if err != nil {
		t.Fatal(err)
	}
	want := "pg:\n    a: \"3\"\n    b: \"true\"\n    c: plain\n"
	if got != want {
		t.Errorf("configYAML:\n got %q\nwant %q", got, want)
	}
	if got, _ := configYAML("pg", nil); got != "" {
		t.Errorf("empty config gives %q", got)
	}
}
