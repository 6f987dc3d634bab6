package apiclient

import (
	"testing"

	"github.com/gojuju/juju/internal/facades"
)

// TestEveryMethodClassified checks that every method a generated client can
// send is in the table, and that the table names nothing else.
func TestEveryMethodClassified(t *testing.T) {
	sent := discover(t)
	for key := range sent {
		if !facades.Classified(key[0], key[1]) {
			t.Errorf("%s.%s is not classified", key[0], key[1])
		}
	}
	if len(sent) < 200 {
		t.Errorf("the clients sent %d methods; expected every generated one", len(sent))
	}
}
