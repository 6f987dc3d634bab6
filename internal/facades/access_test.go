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

// TestTableSize checks that the table is not empty or truncated; that every
// client method is in it is checked by apiclient's TestEveryMethodClassified.
func TestTableSize(t *testing.T) {
	if len(methodMutates) < 200 {
		t.Errorf("the table has %d methods; expected every generated one", len(methodMutates))
	}
	if !Classified("Client", "FullStatus") || Classified("Client", "NoSuchMethod") {
		t.Error("Classified does not follow the table")
	}
}
