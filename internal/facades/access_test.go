package facades

import "testing"

func TestMutating(t *testing.T) {
	tests := []struct {
		facade, method string
		want           bool
	}{
		{"Client", "FullStatus", false},
		{"ModelManager", "ModelInfo", false},
		{"Application", "Get", false},
		{"AllWatcher", "Next", false},
		{"StringsWatcher", "Stop", false},
		{"Admin", "Login", false},
		{"Application", "Deploy", true},
		{"Application", "AddUnits", true},
		{"Action", "EnqueueOperation", true},
		{"Secrets", "UpdateSecrets", true},
		{"MachineManager", "GetUpgradeSeriesMessages", true},
		{"Client", "NoSuchMethod", true}, // unknown: mutating, to be safe
		{"NoSuchFacade", "Get", true},
	}
	for _, tt := range tests {
		if got := Mutating(tt.facade, tt.method); got != tt.want {
			t.Errorf("Mutating(%q, %q) = %t, want %t", tt.facade, tt.method, got, tt.want)
		}
	}
}

// TestEveryMethodClassified checks that every method a generated client can
// send is in the table, and that the table names nothing else.
func TestEveryMethodClassified(t *testing.T) {
	sent := discover(t)
	for key := range sent {
		if _, ok := methodMutates[key[0]+"."+key[1]]; !ok {
			t.Errorf("%s.%s is not classified", key[0], key[1])
		}
	}
	for key := range methodMutates {
		found := false
		for k := range sent {
			if k[0]+"."+k[1] == key {
				found = true
			}
		}
		if !found {
			t.Errorf("the table classifies %s, which no generated client sends", key)
		}
	}
	if len(methodMutates) < 200 {
		t.Errorf("the table has %d methods; expected every generated one", len(methodMutates))
	}
}
