// Package juju is the Go client library for Juju controllers, built for
// Juju 4 first and Juju 3.6 LTS second.
//
// The package is being built up in layers: the websocket JSON-RPC
// connection lives in package rpc, the juju CLI's local store in package
// jujudata, the typed facade layer is generated from the facade schemas,
// and jujusim is an in-memory controller that speaks the real protocol.
package juju
