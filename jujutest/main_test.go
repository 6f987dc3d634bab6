package jujutest_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/gojuju/juju/jujutest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(jujutest.Main(m))
}
