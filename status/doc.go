// Package status is gojuju's status and waiting engine: the typed snapshot
// of a model (Status, decoded from Client.FullStatus), its diff (Changes)
// and table (WriteTable), the sources that supply successive snapshots
// (PollingSource, and on Juju 3.6 AllWatcherSource), the predicates and
// the wait engine (Waiter).
//
// Most programs use it through the root package's entry points, which
// build a source over the model's connection and guard the wait against
// the model's own changes:
//
//	st, err := m.Status(ctx, nil)                                   // *status.Status
//	_, err = m.WaitForIdle(ctx, &status.WaitForIdleOptions{Status: "active"})
//	_, err = m.Wait(ctx, status.AllActive("pg"), &status.WaitOptions{Error: status.AnyError()})
//
// # Naming
//
// The package is named for what it returns, so that a call site says what
// it waits for: status.AllActive("pg"), status.Gone("pg/1"),
// status.AnyError(). Inside it the snapshot's parts drop the Status suffix
// the root package needed to tell them from its handles: a
// *status.Application is the status of an application (the root's
// *juju.Application is the handle you deploy and configure with), and
// likewise Unit, Machine, Relation, Offer and Info (one status value). The
// snapshot keeps the package's name, status.Status, as time.Time does.
// The wait's options keep the names of the calls they configure
// (WaitOptions for Wait, WaitForIdleOptions for WaitForIdle), and the
// errors a wait fails with are named for the status that failed it
// (ErrError, ErrBlocked).
//
// # Layering
//
// The package does not import the root package: it talks to the
// controller through a Caller (an *rpc.Conn, or the root's model
// connection) and is told about the client's own changes through a
// ChangeLog. On Juju 4 every source polls Client.FullStatus; nothing uses
// the AllWatcher there.
package status
