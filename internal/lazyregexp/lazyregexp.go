// Package lazyregexp provides regular expressions compiled on first use.
//
// A package-level regexp.MustCompile runs when the program starts, whether
// the expression is used or not: the root package's two dozen validation
// expressions cost every start of gojuju (a one-shot status among them)
// their compilation and garbage.
package lazyregexp

import (
	"regexp"
	"sync"
)

// Regexp is a regular expression compiled the first time it is used. It
// is safe for concurrent use.
type Regexp struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

// New returns the expression expr, compiled on first use; it panics then
// if expr does not compile (CompileAll, in a test, finds that first).
func New(expr string) *Regexp {
	r := &Regexp{expr: expr}
	allMu.Lock()
	all = append(all, r)
	allMu.Unlock()
	return r
}

// all holds every Regexp made, for CompileAll.
var (
	allMu sync.Mutex
	all   []*Regexp
)

// CompileAll compiles every expression made so far (by the packages
// linked into the program) and returns the first that does not compile
// as an error, so that a test finds a bad expression that no other test
// uses before a user does.
func CompileAll() error {
	allMu.Lock()
	defer allMu.Unlock()
	for _, r := range all {
		if _, err := regexp.Compile(r.expr); err != nil {
			return err
		}
	}
	return nil
}

// Re returns the compiled expression.
func (r *Regexp) Re() *regexp.Regexp {
	r.once.Do(func() { r.re = regexp.MustCompile(r.expr) })
	return r.re
}

// MatchString is regexp.Regexp.MatchString.
func (r *Regexp) MatchString(s string) bool { return r.Re().MatchString(s) }

// FindStringSubmatch is regexp.Regexp.FindStringSubmatch.
func (r *Regexp) FindStringSubmatch(s string) []string { return r.Re().FindStringSubmatch(s) }

// ReplaceAllString is regexp.Regexp.ReplaceAllString.
func (r *Regexp) ReplaceAllString(src, repl string) string { return r.Re().ReplaceAllString(src, repl) }
