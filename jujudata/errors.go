package jujudata

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gojuju/juju/internal/lazyregexp"
)

// Sentinel errors. Match them with [errors.Is].
var (
	// ErrNotFound is matched by every error about a controller, account,
	// model or current selection that the store does not have.
	ErrNotFound = errors.New("not found")
	// ErrNoCurrentController is returned when no controller is named,
	// JUJU_CONTROLLER and JUJU_MODEL name none, and controllers.yaml has
	// no current-controller. It also matches ErrNotFound.
	ErrNoCurrentController = &notFound{"no current controller"}
	// ErrNoCurrentModel is returned when no model is named, JUJU_MODEL is
	// unset, and the controller has no current-model. It also matches
	// ErrNotFound.
	ErrNoCurrentModel = &notFound{"no current model"}
	// ErrConflict is returned when JUJU_MODEL names a controller
	// ("ctrl:model") different from JUJU_CONTROLLER.
	ErrConflict = errors.New("conflicting environment variables")
	// ErrNotValid is returned for a malformed controller or model name or
	// incomplete details passed to a write method.
	ErrNotValid = errors.New("not valid")
	// ErrAlreadyExists is returned by UpdateController when another
	// controller name already holds the same controller UUID.
	ErrAlreadyExists = errors.New("already exists")
)

// notFound is a sentinel that also matches ErrNotFound.
type notFound struct{ msg string }

func (e *notFound) Error() string        { return e.msg }
func (e *notFound) Is(target error) bool { return target == ErrNotFound }

// FileError reports a store file that could not be read or parsed. Err is
// the underlying error (an *fs.PathError, a *yaml.TypeError, a YAML syntax
// error, ...).
type FileError struct {
	// Path is the file's path (just the file name for the Parse
	// functions).
	Path string
	// Line is the 1-based line the YAML decoder blamed, 0 when unknown or
	// when the file could not be read at all.
	Line int
	// Err is the underlying error.
	Err error

	parse bool
}

// Error implements error.
func (e *FileError) Error() string {
	if !e.parse {
		return fmt.Sprintf("cannot read %s: %v", e.Path, e.Err)
	}
	msg := yamlMessage(e.Err)
	if e.Line > 0 {
		return fmt.Sprintf("cannot parse %s: line %d: %s", e.Path, e.Line, msg)
	}
	return fmt.Sprintf("cannot parse %s: %s", e.Path, msg)
}

// Unwrap returns Err.
func (e *FileError) Unwrap() error { return e.Err }

var lineRE = lazyregexp.New(`^line (\d+): `)

// parseError turns an error from the YAML decoder into a *FileError with
// the line number extracted.
func parseError(path string, err error) *FileError {
	fe := &FileError{Path: path, Err: err, parse: true}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		if len(te.Errors) > 0 {
			fe.Line = lineOf(te.Errors[0])
		}
		return fe
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	fe.Line = lineOf(msg)
	if fe.Line > 0 && parserProblems[lineRE.ReplaceAllString(msg, "")] {
		fe.Line++
	}
	return fe
}

// parserProblems are the messages of the YAML library's parser (as
// opposed to its scanner) errors. For those, go.yaml.in/yaml/v3 reports
// the 0-based line of the construct being parsed; adding one gives the
// 1-based line where that construct (an unclosed flow sequence, a block
// mapping with a bad key, ...) starts. Scanner errors are already 1-based.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected key":              true,
	"did not find expected '-' indicator":    true,
	"did not find expected node content":     true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"found undefined tag handle":             true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
}

func lineOf(msg string) int {
	m := lineRE.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return 0
	}
	return n
}

// yamlMessage renders a YAML decoder error without its "yaml: " and
// leading "line N: " prefixes (FileError prints the line itself).
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		parts := make([]string, len(te.Errors))
		for i, s := range te.Errors {
			if i == 0 {
				s = lineRE.ReplaceAllString(s, "")
			}
			parts[i] = s
		}
		return strings.Join(parts, "; ")
	}
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	return lineRE.ReplaceAllString(s, "")
}

func isEOF(err error) bool {
	return errors.Is(err, io.EOF)
}
