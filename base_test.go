package juju

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseBase(t *testing.T) {
	tests := []struct {
		in       string
		want     Base
		str      string
		track    string
		risk     string
		wantErrs string
	}{
		{in: "ubuntu@22.04", want: Base{"ubuntu", "22.04"}, str: "ubuntu@22.04", track: "22.04", risk: "stable"},
		{in: "ubuntu@24.04/stable", want: Base{"ubuntu", "24.04/stable"}, str: "ubuntu@24.04", track: "24.04", risk: "stable"},
		{in: "ubuntu@24.04/edge", want: Base{"ubuntu", "24.04/edge"}, str: "ubuntu@24.04/edge", track: "24.04", risk: "edge"},
		{in: "ubuntu@20.04/candidate", want: Base{"ubuntu", "20.04/candidate"}, str: "ubuntu@20.04/candidate", track: "20.04", risk: "candidate"},
		{in: "centos@9", want: Base{"centos", "9"}, str: "centos@9", track: "9", risk: "stable"},
		{in: "almalinux@9.3/beta", want: Base{"almalinux", "9.3/beta"}, str: "almalinux@9.3/beta", track: "9.3", risk: "beta"},
		{in: "jammy", wantErrs: `invalid base "jammy": this is a series; the base is ubuntu@22.04`},
		{in: "ubuntu", wantErrs: `invalid base "ubuntu": must be "os@version", such as "ubuntu@22.04"`},
		{in: "", wantErrs: `invalid base "": must be "os@version", such as "ubuntu@22.04"`},
		{in: "@22.04", wantErrs: `invalid base "@22.04": the OS name is empty (want "os@version", such as "ubuntu@22.04")`},
		{in: "ubuntu@", wantErrs: `invalid base "ubuntu@": the version is empty (want "os@version", such as "ubuntu@22.04")`},
		{in: "Ubuntu@22.04", wantErrs: `invalid base "Ubuntu@22.04": "Ubuntu" is not a valid OS name`},
		{in: "ubuntu@jammy", wantErrs: `invalid base "ubuntu@jammy": "jammy" is a series, not a version; use ubuntu@22.04`},
		{in: "ubuntu@22.04/unstable", wantErrs: `invalid base "ubuntu@22.04/unstable": risk "unstable" is not one of stable, candidate, beta, edge`},
		{in: "ubuntu@22.04/stable/hotfix", wantErrs: `invalid base "ubuntu@22.04/stable/hotfix": a base channel is "version[/risk]" and takes no branch`},
		{in: "ubuntu@/stable", wantErrs: `invalid base "ubuntu@/stable": the version is empty`},
		{in: "ubuntu@22", wantErrs: `invalid base "ubuntu@22": Ubuntu versions look like "22.04", not "22"`},
		{in: "centos@stream9", wantErrs: `invalid base "centos@stream9": CentOS versions look like "9", not "stream9"`},
		{in: "ubuntu@22.04@x", wantErrs: `invalid base "ubuntu@22.04@x": Ubuntu versions look like "22.04", not "22.04@x"`},
		{in: "foo@Bar", wantErrs: `invalid base "foo@Bar": "Bar" is not a valid version`},
	}
	for _, tt := range tests {
		got, err := ParseBase(tt.in)
		if tt.wantErrs != "" {
			if err == nil || err.Error() != tt.wantErrs {
				t.Errorf("ParseBase(%q) error:\n got %v\nwant %s", tt.in, err, tt.wantErrs)
			}
			if !errors.Is(err, ErrInvalidBase) || !errors.Is(err, ErrInvalidInput) {
				t.Errorf("ParseBase(%q) error does not match ErrInvalidBase", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseBase(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseBase(%q) (-want +got):\n%s", tt.in, diff)
		}
		if got.String() != tt.str || got.Track() != tt.track || got.Risk() != tt.risk {
			t.Errorf("ParseBase(%q): String %q Track %q Risk %q, want %q %q %q", tt.in, got.String(), got.Track(), got.Risk(), tt.str, tt.track, tt.risk)
		}
		if err := got.Validate(); err != nil {
			t.Errorf("Validate(%v): %v", got, err)
		}
	}
}

func TestBaseEqualAndNormalized(t *testing.T) {
	a := Base{"ubuntu", "22.04"}
	b := Base{"ubuntu", "22.04/stable"}
	c := Base{"ubuntu", "22.04/edge"}
	if !a.Equal(b) || a.Equal(c) || a.Equal(Base{"centos", "22.04"}) {
		t.Errorf("Equal is wrong")
	}
	if got := a.normalized(); got != b {
		t.Errorf("normalized = %v, want %v", got, b)
	}
	if got := (Base{}).normalized(); !got.IsZero() {
		t.Errorf("normalized zero = %v", got)
	}
	if (Base{}).String() != "" || (Base{}).Validate() != nil {
		t.Errorf("zero base should be empty and valid")
	}
	if err := (Base{OS: "ubuntu"}).Validate(); !errors.Is(err, ErrInvalidBase) {
		t.Errorf("Validate of base without channel = %v", err)
	}
}

func TestBaseForSeries(t *testing.T) {
	tests := []struct {
		series string
		want   string
	}{
		{"focal", "ubuntu@20.04"},
		{"jammy", "ubuntu@22.04"},
		{"noble", "ubuntu@24.04"},
		{"xenial", "ubuntu@16.04"},
		{"bionic", "ubuntu@18.04"},
		{"resolute", "ubuntu@26.04"},
		{"centos7", "centos@7"},
		{"centos9", "centos@9"},
		{"kubernetes", "ubuntu@20.04"},
	}
	for _, tt := range tests {
		b, err := BaseForSeries(tt.series)
		if err != nil || b.String() != tt.want {
			t.Errorf("BaseForSeries(%q) = %v, %v; want %s", tt.series, b, err, tt.want)
		}
		if err := b.Validate(); err != nil {
			t.Errorf("mapped base %v invalid: %v", b, err)
		}
		if tt.series != "kubernetes" && SeriesForBase(b) != tt.series {
			t.Errorf("SeriesForBase(%v) = %q, want %q", b, SeriesForBase(b), tt.series)
		}
	}
	_, err := BaseForSeries("bogus")
	if !errors.Is(err, ErrInvalidBase) || err.Error() != `invalid series "bogus": unknown series` {
		t.Errorf("BaseForSeries(bogus) = %v", err)
	}
	if s := SeriesForBase(Base{"ubuntu", "99.04"}); s != "" {
		t.Errorf("SeriesForBase(99.04) = %q", s)
	}
	// Every entry in the table must be a valid base.
	for s, b := range seriesBases {
		if err := b.Validate(); err != nil {
			t.Errorf("series %q maps to invalid base: %v", s, err)
		}
	}
}

func FuzzParseBase(f *testing.F) {
	for _, s := range []string{"ubuntu@22.04", "ubuntu@24.04/edge", "centos@9", "jammy", "@", "a@b/c/d", "ubuntu@jammy"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBase(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidBase) {
				t.Fatalf("error %v does not match ErrInvalidBase", err)
			}
			return
		}
		again, err := ParseBase(b.String())
		if err != nil {
			t.Fatalf("String() %q of %q does not parse: %v", b.String(), s, err)
		}
		if !again.Equal(b) {
			t.Fatalf("round trip %q: %v != %v", s, again, b)
		}
	})
}
