package juju

import (
	"errors"
	"testing"

	"github.com/gojuju/juju/rpc"
)

// The real Juju 4.0.15 server sends some of its refusals without an error
// code (found by internal/realjuju/apisuite); their text still maps them
// to the sentinels, and the operation is not named twice.
func TestCodelessServerErrors(t *testing.T) {
	for _, tc := range []struct {
		op, entity, msg string
		want            error
		text            string
	}{
		{"deploy", "db", `cannot deploy "db": creating application "db": creating IAAS application "db": inserting IAAS application "db": checking if application "db" exists: application already exists`,
			ErrAlreadyExists, `cannot deploy "db": creating application "db": creating IAAS application "db": inserting IAAS application "db": checking if application "db" exists: application already exists`},
		{`integrate "web" with`, "db", `adding relation between endpoints "web" and "db": cannot add relation "web", "db": relation web:db db:db: already exists`,
			ErrAlreadyExists, `cannot integrate "web" with "db": adding relation between endpoints "web" and "db": cannot add relation "web", "db": relation web:db db:db: already exists`},
		{`run action "ping" on`, "db/7", `linking task to unit: getting unit UUID for "db/7": unit "db/7" not found`,
			ErrNotFound, `cannot run action "ping" on "db/7": linking task to unit: getting unit UUID for "db/7": unit "db/7" not found`},
		{"get operation", "99999", `operation "99999" not found`, ErrNotFound, `cannot get operation "99999": operation "99999" not found`},
		{"grant secret", "apikey", `cannot change access to "secret:c9p95jusion08igci8a0" for "ghost": application "ghost" not found`, ErrNotFound, ""},
	} {
		err := opError(tc.op, tc.entity, &rpc.Error{Message: tc.msg})
		if !errors.Is(err, tc.want) {
			t.Errorf("%q does not match %v", tc.msg, tc.want)
		}
		for _, other := range []error{ErrAlreadyExists, ErrNotFound} {
			if !errors.Is(other, tc.want) && errors.Is(err, other) {
				t.Errorf("%q also matches %v", tc.msg, other)
			}
		}
		if tc.text != "" && err.Error() != tc.text {
			t.Errorf("Error() = %q, want %q", err.Error(), tc.text)
		}
	}
	// A message that only mentions the words does not match.
	err := opError("deploy", "db", &rpc.Error{Message: `getting leader unit for db: application "db" not found in leases`})
	if errors.Is(err, ErrNotFound) {
		t.Errorf("%v matches ErrNotFound", err)
	}
}
