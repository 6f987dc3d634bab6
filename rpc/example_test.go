package rpc_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/gojuju/juju/rpc"
)

// Example connects to a model and calls Client.FullStatus through the untyped
// escape hatch. The controller here is the package tests' loopback test
// server; with a real controller, take the addresses, CA certificate and
// credentials from controllers.yaml and accounts.yaml (package jujudata).
func Example() {
	srv, err := startTestServer()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := rpc.Dial(ctx, rpc.Config{
		Addrs:          []string{srv.Addr},
		CACert:         srv.CA.PEM,
		ModelUUID:      "deadbeef-0bad-400d-8000-4b1d0d06f00d",
		Username:       "admin",
		Password:       testPassword,
		FacadeVersions: map[string][]int{"Client": {7, 8}},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	fmt.Println("controller version:", conn.Login().ServerVersion)
	v, err := conn.BestVersion("Client")
	fmt.Println("Client facade version:", v, err)

	var status struct {
		Model struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"model"`
	}
	if err := conn.Call(ctx, "Client", "FullStatus", "", map[string]any{"patterns": nil}, &status); err != nil {
		log.Fatal(err)
	}
	fmt.Println("model:", status.Model.Name, status.Model.Type)

	_, err = conn.BestVersion("ModelManager") // a controller-connection facade
	fmt.Println(errors.Is(err, rpc.ErrNotSupported))
	// Output:
	// controller version: 4.0.15
	// Client facade version: 8 <nil>
	// model: default iaas
	// true
}

// ExampleError shows how server errors are matched.
func ExampleError() {
	// What Call returns for {"error":"application \"pg\" not found","error-code":"not found"}:
	var err error = &rpc.Error{Message: `application "pg" not found`, Code: "not found"}
	err = fmt.Errorf("cannot expose %q: %w", "pg", err)

	fmt.Println(err)
	fmt.Println(errors.Is(err, rpc.ErrNotFound), errors.Is(err, rpc.ErrUnauthorized), rpc.IsRetryable(err))

	var se *rpc.Error
	if errors.As(err, &se) {
		fmt.Println("code:", se.Code)
	}
	// Output:
	// cannot expose "pg": application "pg" not found
	// true false false
	// code: not found
}

// ExampleBulkError surfaces the per-entry errors of a bulk result.
func ExampleBulkError() {
	var result struct {
		Results []struct {
			Error *rpc.Error `json:"error,omitempty"`
		} `json:"results"`
	}
	// As decoded from {"results":[{},{"error":{"message":"unit \"pg/3\" not found","code":"not found"}}]}:
	result.Results = append(result.Results, struct {
		Error *rpc.Error `json:"error,omitempty"`
	}{}, struct {
		Error *rpc.Error `json:"error,omitempty"`
	}{Error: &rpc.Error{Message: `unit "pg/3" not found`, Code: "not found"}})

	errs := make([]*rpc.Error, len(result.Results))
	for i, r := range result.Results {
		errs[i] = r.Error
	}
	err := rpc.BulkError(errs)
	fmt.Println(err)
	fmt.Println(errors.Is(err, rpc.ErrNotFound))
	// Output:
	// 1 of 2 failed: [1] unit "pg/3" not found
	// true
}
