package juju_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"log"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujusim"
)

// Run commands on units with exec: a non-zero exit is an error that
// carries the output. The simulator runs nothing; a handler answers.
func ExampleModel_Exec() {
	ctx := context.Background()
	sim := startSim(ctx)
	defer sim.Close()
	m, err := juju.ConnectModel(ctx, simConfig(sim, "admin/default"))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Deploy(ctx, "postgresql", &juju.DeployOptions{Name: "pg", NumUnits: 2}); err != nil {
		log.Fatal(err)
	}
	sim.SetExecHandler(m.UUID(), "pg", func(req jujusim.ExecRequest) jujusim.ExecResult {
		if req.Command == "pg_isready" {
			return jujusim.ExecResult{Code: 2, Stderr: "no response\n"}
		}
		return jujusim.DefaultExec(req)
	})

	res, err := m.Exec(ctx, "pg/leader", "echo ok", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(res.Stdout)

	_, err = m.Exec(ctx, "pg/1", "pg_isready", nil)
	var failed *juju.ExecError
	if errors.As(err, &failed) {
		fmt.Println(failed.Result.Code, strings.TrimSpace(failed.Result.Stderr))
	}

	all, err := m.ExecMany(ctx, juju.ExecTargets{Applications: []string{"pg"}}, "whoami", nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range all {
		fmt.Println(r.Unit, strings.TrimSpace(r.Stdout))
	}
	// Output:
	// ok
	// 2 no response
	// pg/0 root
	// pg/1 root
}

// Reach a unit's machine over SSH (through the controller, as it asks)
// with a key added to the model, and copy a file there and back.
func ExampleModel_SSH() {
	ctx := context.Background()
	sim := startSim(ctx)
	defer sim.Close()
	m, err := juju.ConnectModel(ctx, simConfig(sim, "admin/default"))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Deploy(ctx, "postgresql", &juju.DeployOptions{Name: "pg"}); err != nil {
		log.Fatal(err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		log.Fatal(err)
	}
	if err := m.AddSSHKeys(ctx, string(ssh.MarshalAuthorizedKey(signer.PublicKey()))); err != nil {
		log.Fatal(err)
	}

	sc, err := m.SSH(ctx, "pg/0", &juju.SSHOptions{Keys: []ssh.Signer{signer}, JumpHost: sim.SSHAddr()})
	if err != nil {
		log.Fatal(err)
	}
	defer sc.Close()
	res, err := sc.Run(ctx, "whoami")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(res.Stdout)
	if err := sc.Upload(ctx, "/tmp/app.conf", []byte("debug = true\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	data, err := sc.Download(ctx, "/tmp/app.conf")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(data))
	// Output:
	// root
	// debug = true
}
