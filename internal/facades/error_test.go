package facades

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/gojuju/juju/rpc"
)

// TestErrorMatchesRPCSentinels checks that the wire error matches the rpc
// sentinels exactly as rpc.Error does, and has rpc.Error's wire shape.
func TestErrorMatchesRPCSentinels(t *testing.T) {
	sentinels := []error{rpc.ErrNotFound, rpc.ErrUnauthorized, rpc.ErrAlreadyExists, rpc.ErrNotSupported,
		rpc.ErrNotImplemented, rpc.ErrNotValid, rpc.ErrTryAgain, rpc.ErrUpgradeInProgress,
		rpc.ErrMigrationInProgress, rpc.ErrRedirect, rpc.ErrQuotaExceeded, rpc.ErrForbidden, rpc.ErrRefused}
	cases := []Error{
		{Code: "not found"}, {Code: "application not found"}, {Code: "unauthorized access"},
		{Code: "already exists"}, {Code: "not supported"}, {Code: "not implemented"},
		{Message: "no such request - method Foo"}, {Code: "invalid tag"}, {Code: "bad request"},
		{Code: "try again"}, {Code: "upgrade in progress"}, {Message: "model migration in progress"},
		{Code: "redirection required"}, {Code: "quota limit exceeded"}, {Code: "forbidden"},
		{Message: "plain"},
	}
	for _, c := range cases {
		we := &c
		re := (*rpc.Error)(we)
		matched := 0
		for _, s := range sentinels {
			if errors.Is(we, s) != errors.Is(re, s) {
				t.Errorf("%+v: errors.Is(%v) = %t for the wire error, %t for rpc.Error", c, s, errors.Is(we, s), errors.Is(re, s))
			}
			if errors.Is(we, s) {
				matched++
			}
		}
		if c.Message != "plain" && matched == 0 {
			t.Errorf("%+v matches no sentinel", c)
		}
		if we.Error() != re.Error() {
			t.Errorf("Error() = %q, rpc.Error says %q", we.Error(), re.Error())
		}
	}
	in := `{"message":"m","code":"not found","info":{"k":"v"}}`
	var we Error
	var re rpc.Error
	if err := json.Unmarshal([]byte(in), &we); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(in), &re); err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(we)
	b, _ := json.Marshal(re)
	if string(a) != string(b) {
		t.Errorf("wire shapes differ: %s vs %s", a, b)
	}
}
