package core

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	appNameRE   = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*$`)
	modelNameRE = regexp.MustCompile(`^[a-z0-9]+[a-z0-9-]*$`)
	userNameRE  = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9.+-]*[a-zA-Z0-9]$`)
)

func validAppName(s string) bool { return appNameRE.MatchString(s) }

// validModelName is Juju's model name rule: no length limit (the real
// 4.0.15 server takes a 300-character name).
func validModelName(s string) bool { return modelNameRE.MatchString(s) }
func validUserName(s string) bool  { return userNameRE.MatchString(s) }

// splitUnitName splits "pg/3" into "pg" and 3.
func splitUnitName(s string) (string, int, bool) {
	app, n, ok := strings.Cut(s, "/")
	if !ok || !validAppName(app) {
		return "", 0, false
	}
	num, err := strconv.Atoi(n)
	if err != nil || num < 0 {
		return "", 0, false
	}
	return app, num, true
}
