package juju

import (
	"fmt"
	"net/http"
	"testing"
)

// The real 4.0.15 server's refusal of an upload racing another one for the
// same blob is retried; other refusals are not.
func TestIsFileLocked(t *testing.T) {
	locked := httpError(http.StatusInternalServerError, []byte(`{"error":"uploading charm: resolving uploaded charm: putting charm: putting blob and check hash: file locked","error-code":""}`))
	if !isFileLocked(fmt.Errorf("cannot upload charm: %w", locked)) {
		t.Errorf("%v is not taken for a locked object store", locked)
	}
	for _, err := range []error{
		httpError(http.StatusBadRequest, []byte(`{"error":"invalid sha length","error-code":"bad request"}`)),
		httpError(http.StatusInternalServerError, []byte(`file locked by something else entirely, and then some`)),
		fmt.Errorf("file locked"),
		nil,
	} {
		if isFileLocked(err) {
			t.Errorf("%v is taken for a locked object store", err)
		}
	}
}
