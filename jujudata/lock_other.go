//go:build !unix

package jujudata

import (
	"context"
	"errors"
	"io/fs"
	"os"
)

// fileLock is a lock file created exclusively and removed on release. It
// is a fallback for systems without flock: a process that dies holding it
// leaves the file behind, and it must then be removed by hand.
type fileLock struct{ path string }

func acquireLock(ctx context.Context, path string) (*fileLock, error) {
	var w lockWaiter
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
		if err == nil {
			f.Close()
			return &fileLock{path: path}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		if err := w.wait(ctx); err != nil {
			return nil, err
		}
	}
}

func (l *fileLock) release() { _ = os.Remove(l.path) }
