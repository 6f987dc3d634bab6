package lazyregexp_test

import (
	"sync"
	"testing"

	"github.com/gojuju/juju/internal/lazyregexp"
)

func TestRegexp(t *testing.T) {
	re := lazyregexp.New(`^line (\d+): `)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if !re.MatchString("line 3: x") || re.MatchString("x") {
				t.Error("MatchString")
			}
		})
	}
	wg.Wait()
	if m := re.FindStringSubmatch("line 12: y"); len(m) != 2 || m[1] != "12" {
		t.Errorf("FindStringSubmatch = %q", m)
	}
	if got := re.ReplaceAllString("line 7: z", ""); got != "z" {
		t.Errorf("ReplaceAllString = %q", got)
	}
}

func TestBadExpressionPanicsOnUse(t *testing.T) {
	re := lazyregexp.New(`(`)
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	re.MatchString("x")
}

// CompileAll finds a bad expression nothing used (the good ones are
// checked by the packages that make them).
func TestCompileAll(t *testing.T) {
	lazyregexp.New(`(`)
	if err := lazyregexp.CompileAll(); err == nil {
		t.Fatal("CompileAll took a bad expression")
	}
}
