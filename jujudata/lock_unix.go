//go:build unix

package jujudata

import (
	"context"
	"errors"
	"os"
	"syscall"
)

// fileLock is an exclusive flock(2) lock on a lock file. flock locks
// belong to the open file description, so two goroutines of one process
// that each open the file exclude each other as two processes do.
type fileLock struct{ f *os.File }

func acquireLock(ctx context.Context, path string) (*fileLock, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	var w lockWaiter
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return &fileLock{f: f}, nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			if err := w.wait(ctx); err != nil {
				f.Close()
				return nil, err
			}
		default:
			f.Close()
			return nil, &os.PathError{Op: "flock", Path: path, Err: err}
		}
	}
}

func (l *fileLock) release() {
	// Closing the descriptor releases the lock; unlock first anyway so
	// that the release does not depend on other descriptors being closed.
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	_ = l.f.Close()
}
