package juju

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/gojuju/juju/internal/realjuju"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(realjuju.Main(m))
}
