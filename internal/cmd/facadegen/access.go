package main

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// This file classifies every generated facade method as read-only or
// mutating. The generator writes the result into one table (access.go of the
// generated package, facades.Mutating), which the connection uses to decide
// what it may retry after a redial and what the waiters' change guard counts
// as a change.
//
// The rule. A method is read-only when calling it changes nothing that a
// later call on any connection could observe in the controller's or a
// model's state: it only reads, resolves (against Charmhub, for example) or
// validates. Watchers live and die with their connection, so creating one
// (Watch*, Client.WatchAll), reading it (Next) and stopping it (Stop) is
// read-only. Everything else, including anything doubtful, is mutating;
// unknown methods are mutating too.
//
// A method is read-only when, in this order:
//  1. mutatingMethods lists it: mutating, whatever its name says;
//  2. readOnlyMethods lists it, or its facade is a watcher facade and it
//     is Next or Stop: read-only;
//  3. its name starts with one of readOnlyPrefixes or ends with one of
//     readOnlySuffixes (as whole words: "Get" matches GetConfig, not
//     Getaway): read-only;
//  4. otherwise: mutating.
//
// Entries of the two lists that match no generated method, or that restate
// what the name rules already decide, are reported as errors, so the lists
// stay exactly the curated exceptions.

// readOnlyPrefixes are method name prefixes that mark a read.
var readOnlyPrefixes = []string{"Check", "Find", "Get", "Is", "List", "Show", "Status", "Watch"}

// readOnlySuffixes are method name suffixes that mark a read.
var readOnlySuffixes = []string{"Info", "Status"}

// readOnlyMethods are reads whose names the rules do not recognise, keyed by
// "Facade.Method".
var readOnlyMethods = map[string]bool{
	"Action.Actions":                        true,
	"Action.ApplicationsCharmsActions":      true,
	"Action.Operations":                     true,
	"Admin.Login":                           true, // the connection's own handshake
	"Application.CharmConfig":               true,
	"Application.CharmRelations":            true,
	"Application.Leader":                    true,
	"ApplicationOffers.ApplicationOffers":   true,
	"Bundle.ExportBundle":                   true,
	"Charms.ResolveCharms":                  true, // resolves against Charmhub, stores nothing
	"Cloud.Cloud":                           true,
	"Cloud.Clouds":                          true,
	"Cloud.Credential":                      true,
	"Cloud.CredentialContents":              true,
	"Cloud.InstanceTypes":                   true,
	"Cloud.ModelConfigSchema":               true,
	"Cloud.UserCredentials":                 true,
	"Controller.AllModels":                  true,
	"Controller.CloudSpec":                  true,
	"Controller.ControllerAPIInfoForModels": true,
	"Controller.ControllerConfig":           true,
	"Controller.ControllerVersion":          true,
	"Controller.HostedModelConfigs":         true,
	"Controller.IdentityProviderURL":        true,
	"Controller.MongoVersion":               true,
	"HighAvailability.ControllerDetails":    true,
	"MachineManager.InstanceTypes":          true,
	"MachineManager.UpgradeSeriesValidate":  true,
	"ModelConfig.ModelGet":                  true,
	"ModelConfig.SLALevel":                  true,
	"ModelConfig.Sequences":                 true,
	"ModelManager.DumpModels":               true,
	"ModelManager.DumpModelsDB":             true,
	"ModelManager.ModelDefaultsForClouds":   true,
	"Pinger.Ping":                           true,
	"Pinger.Stop":                           true, // stops this connection's pinger
	"SSHClient.AllAddresses":                true,
	"SSHClient.ModelCredentialForSSH":       true,
	"SSHClient.PrivateAddress":              true,
	"SSHClient.Proxy":                       true,
	"SSHClient.PublicAddress":               true,
	"SSHClient.PublicKeys":                  true,
	"SSHClient.VirtualHostname":             true,
	"Storage.StorageDetails":                true,
	"Subnets.AllZones":                      true,
	"Subnets.SubnetsByCIDR":                 true,
}

// mutatingMethods are writes whose names look like reads, keyed by
// "Facade.Method".
var mutatingMethods = map[string]bool{
	// Marks the messages it returns as seen: a second call returns fewer.
	"MachineManager.GetUpgradeSeriesMessages": true,
}

// hasWord reports whether name starts (prefix) or ends (!prefix) with w as a
// whole CamelCase word.
func hasWord(name, w string, prefix bool) bool {
	if prefix {
		if !strings.HasPrefix(name, w) {
			return false
		}
		rest := name[len(w):]
		return rest == "" || unicode.IsUpper(rune(rest[0]))
	}
	return strings.HasSuffix(name, w)
}

// nameSaysReadOnly applies the name rules (step 3) alone.
func nameSaysReadOnly(method string) bool {
	for _, p := range readOnlyPrefixes {
		if hasWord(method, p, true) {
			return true
		}
	}
	for _, s := range readOnlySuffixes {
		if hasWord(method, s, false) {
			return true
		}
	}
	return false
}

// accessRules are the curated exceptions to the name rules.
type accessRules struct {
	ReadOnly map[string]bool // like readOnlyMethods
	Mutating map[string]bool // like mutatingMethods
}

// curatedAccess is what the generator applies to the real facades.
var curatedAccess = accessRules{ReadOnly: readOnlyMethods, Mutating: mutatingMethods}

// mutates classifies one method of a facade (see the rule above).
func (r accessRules) mutates(f facade, method string) bool {
	key := f.Name + "." + method
	switch {
	case r.Mutating[key]:
		return true
	case r.ReadOnly[key], f.WatcherID && (method == "Next" || method == "Stop"):
		return false
	}
	return !nameSaysReadOnly(method)
}

// accessTable classifies every wire method of the model's facades, keyed
// "Facade.Method", and checks the override lists against them.
func (m *model) accessTable() (map[string]bool, error) {
	table := map[string]bool{}
	for _, fm := range m.facades {
		for _, mm := range fm.Methods {
			table[fm.Name+"."+mm.Wire] = m.access.mutates(fm.facade, mm.Wire)
		}
	}
	var bad []string
	for key := range m.access.ReadOnly {
		if _, ok := table[key]; !ok {
			bad = append(bad, "readOnlyMethods "+key+" is not a generated method")
		} else if nameSaysReadOnly(key[strings.Index(key, ".")+1:]) {
			bad = append(bad, "readOnlyMethods "+key+" restates the name rules")
		}
	}
	for key := range m.access.Mutating {
		if _, ok := table[key]; !ok {
			bad = append(bad, "mutatingMethods "+key+" is not a generated method")
		} else if !nameSaysReadOnly(key[strings.Index(key, ".")+1:]) {
			bad = append(bad, "mutatingMethods "+key+" restates the default")
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return nil, fmt.Errorf("method classification: %s", strings.Join(bad, "; "))
	}
	return table, nil
}

// accessSource renders the generated access table.
func (m *model) accessSource() ([]byte, error) {
	table, err := m.accessTable()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(`// Mutating reports whether calling method (its wire name, such as
// "FullStatus") of facade (such as "Client") may change the controller's or
// a model's state, so that the call must not be repeated blindly and a
// successful call is a change a waiter must not report state from before.
// Read-only methods only read, resolve or validate; watchers live and die
// with their connection, so creating, reading (Next) and stopping them is
// read-only. Methods it does not know are mutating. The classification is
// curated in internal/cmd/facadegen/access.go, which documents the rule.
func Mutating(facade, method string) bool {
	m, ok := methodMutates[facade+"."+method]
	return m || !ok
}

// Classified reports whether the table classifies method of facade (every
// method of the generated clients is).
func Classified(facade, method string) bool {
	_, ok := methodMutates[facade+"."+method]
	return ok
}

// methodMutates classifies every generated method, keyed by
// "Facade.Method": true for mutating, false for read-only.
var methodMutates = map[string]bool{
`)
	for _, key := range sortedKeys(table) {
		fmt.Fprintf(&b, "\t%q: %t,\n", key, table[key])
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}
