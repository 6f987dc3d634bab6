package juju

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gojuju/juju/internal/lazyregexp"
)

// The types a charm may declare for a config option.
const (
	OptionString  = "string"
	OptionInt     = "int"
	OptionFloat   = "float"
	OptionBoolean = "boolean"
	OptionSecret  = "secret"
)

// ConfigOption describes one option a charm declares in its config.
type ConfigOption struct {
	// Type is one of OptionString, OptionInt, OptionFloat, OptionBoolean,
	// OptionSecret.
	Type string
	// Description is the charm's description of the option.
	Description string
	// Default is the option's default value (nil when it has none).
	Default any
}

// secret URIs: "secret:<20 base32hex chars>", "secret://<model-uuid>/<id>",
// or the bare id.
var validSecretURI = lazyregexp.New(`^(?:secret:(?://[0-9a-f-]+/)?)?[0-9a-v]{20}$`)

// configString converts one config value to the string sent on the wire.
//
// When opt is nil (the charm's options are not known) the value is
// converted by its Go type: string as is, bool as "true"/"false", integers
// and floats in decimal. When opt is known the value must fit the declared
// type; a string is accepted for any type when it parses as that type,
// which is what the juju CLI sends.
func configString(name string, v any, opt *ConfigOption) (string, error) {
	bad := func(format string, args ...any) error {
		return invalidf(ErrInvalidConfig, "config value for", name, format, args...)
	}
	if v == nil {
		return "", bad("value is nil (use unset to reset an option)")
	}
	rv := reflect.ValueOf(v)
	kind := rv.Kind()
	if opt == nil {
		switch {
		case kind == reflect.String:
			return rv.String(), nil
		case kind == reflect.Bool:
			return strconv.FormatBool(rv.Bool()), nil
		case isInt(kind):
			return strconv.FormatInt(rv.Int(), 10), nil
		case isUint(kind):
			return strconv.FormatUint(rv.Uint(), 10), nil
		case isFloat(kind):
			return formatFloat(rv.Float()), nil
		}
		return "", bad("a %T cannot be a config value (want string, bool, integer or float)", v)
	}
	switch opt.Type {
	case OptionString:
		if kind != reflect.String {
			return "", bad("option is a string; got %T", v)
		}
		return rv.String(), nil
	case OptionSecret:
		if kind != reflect.String {
			return "", bad("option is a secret URI; got %T", v)
		}
		if s := rv.String(); s != "" && !validSecretURI.MatchString(s) {
			return "", bad(`option is a secret URI ("secret:<id>"); got %q`, s)
		}
		return rv.String(), nil
	case OptionInt:
		switch {
		case isInt(kind):
			return strconv.FormatInt(rv.Int(), 10), nil
		case isUint(kind):
			return strconv.FormatUint(rv.Uint(), 10), nil
		case isFloat(kind):
			f := rv.Float()
			if f != math.Trunc(f) || math.IsInf(f, 0) || math.Abs(f) > 1<<53 {
				return "", bad("option is an integer; got %v", f)
			}
			return strconv.FormatInt(int64(f), 10), nil
		case kind == reflect.String:
			s := strings.TrimSpace(rv.String())
			if _, err := strconv.ParseInt(s, 10, 64); err != nil {
				return "", bad("option is an integer; got %q", rv.String())
			}
			return s, nil
		}
		return "", bad("option is an integer; got %T", v)
	case OptionFloat:
		switch {
		case isInt(kind):
			return strconv.FormatInt(rv.Int(), 10), nil
		case isUint(kind):
			return strconv.FormatUint(rv.Uint(), 10), nil
		case isFloat(kind):
			f := rv.Float()
			if math.IsInf(f, 0) || math.IsNaN(f) {
				return "", bad("option is a finite number; got %v", f)
			}
			return formatFloat(f), nil
		case kind == reflect.String:
			s := strings.TrimSpace(rv.String())
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				return "", bad("option is a number; got %q", rv.String())
			}
			return s, nil
		}
		return "", bad("option is a number; got %T", v)
	case OptionBoolean:
		switch kind {
		case reflect.Bool:
			return strconv.FormatBool(rv.Bool()), nil
		case reflect.String:
			b, err := strconv.ParseBool(strings.TrimSpace(rv.String()))
			if err != nil {
				return "", bad("option is a boolean; got %q", rv.String())
			}
			return strconv.FormatBool(b), nil
		}
		return "", bad("option is a boolean; got %T", v)
	}
	// A type this library does not know: send strings and plain values as
	// they are and let the controller judge.
	return configString(name, v, nil)
}

func isInt(k reflect.Kind) bool {
	return k == reflect.Int || k == reflect.Int8 || k == reflect.Int16 || k == reflect.Int32 || k == reflect.Int64
}

func isUint(k reflect.Kind) bool {
	return k == reflect.Uint || k == reflect.Uint8 || k == reflect.Uint16 || k == reflect.Uint32 || k == reflect.Uint64
}

func isFloat(k reflect.Kind) bool { return k == reflect.Float32 || k == reflect.Float64 }

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// configStrings converts a whole settings map. options, when not nil, is
// the charm's declared config: a key it does not declare is refused.
func configStrings(settings map[string]any, options map[string]ConfigOption) (map[string]string, error) {
	out := make(map[string]string, len(settings))
	for _, k := range sortedKeys(settings) {
		if k == "" {
			return nil, invalid(ErrInvalidConfig, "config key", k, "must not be empty")
		}
		var opt *ConfigOption
		if options != nil {
			o, ok := options[k]
			if !ok {
				return nil, invalidf(ErrInvalidConfig, "config key", k, "the charm has no such option (it has %s)", strings.Join(sortedKeys(options), ", "))
			}
			opt = &o
		}
		s, err := configString(k, settings[k], opt)
		if err != nil {
			return nil, err
		}
		out[k] = s
	}
	return out, nil
}

// configYAML renders settings as the YAML document the controller takes in
// DeployFromRepository's ConfigYAML: a mapping keyed by application name,
// values as strings (the juju CLI does the same for --config key=value).
func configYAML(app string, settings map[string]string) (string, error) {
	if len(settings) == 0 {
		return "", nil
	}
	b, err := yaml.Marshal(map[string]map[string]string{app: settings})
	if err != nil {
		return "", fmt.Errorf("cannot encode config: %w", err)
	}
	return string(b), nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
