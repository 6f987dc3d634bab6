package corkconn

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// countingConn counts the writes that reach a real TCP connection.
type countingConn struct {
	net.Conn
	mu     sync.Mutex
	writes int
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.writes++
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (c *countingConn) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes
}

// tcpPair returns a Conn over a loopback TCP connection, the counter of
// the writes under it, and a function returning all the bytes the peer
// read once the Conn is closed.
func tcpPair(t *testing.T) (*Conn, *countingConn, func() []byte) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 1)
	go func() {
		// The listener closes once it has accepted: closed earlier, it
		// would reset a connection still waiting in its backlog.
		c, err := ln.Accept()
		_ = ln.Close()
		if err != nil {
			got <- nil
			return
		}
		data, _ := io.ReadAll(c)
		_ = c.Close()
		got <- data
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	cc := &countingConn{Conn: nc}
	c := New(cc)
	t.Cleanup(func() { _ = c.Close() })
	return c, cc, func() []byte {
		_ = c.Close()
		return <-got
	}
}

func TestUncorkedWritesPassThrough(t *testing.T) {
	c, cc, read := tcpPair(t)
	for _, s := range []string{"a", "bc", "def"} {
		if n, err := c.Write([]byte(s)); err != nil || n != len(s) {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if n := cc.count(); n != 3 {
		t.Errorf("%d writes reached the connection, want 3", n)
	}
	if got := string(read()); got != "abcdef" {
		t.Errorf("peer read %q", got)
	}
}

func TestCorkedWritesGoOutInOneWrite(t *testing.T) {
	c, cc, read := tcpPair(t)
	c.Cork()
	var want []byte
	for i := range 100 {
		p := bytes.Repeat([]byte{byte('a' + i%26)}, 100)
		want = append(want, p...)
		if n, err := c.Write(p); err != nil || n != len(p) {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if n := cc.count(); n != 0 {
		t.Fatalf("%d writes reached the connection while corked", n)
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if n := cc.count(); n != 1 {
		t.Errorf("%d writes reached the connection, want 1", n)
	}
	// Flush uncorked it.
	if _, err := c.Write([]byte("z")); err != nil {
		t.Fatal(err)
	}
	want = append(want, 'z')
	if n := cc.count(); n != 2 {
		t.Errorf("%d writes reached the connection after an uncorked write, want 2", n)
	}
	if err := c.Flush(); err != nil { // nothing gathered: no write
		t.Fatal(err)
	}
	if n := cc.count(); n != 2 {
		t.Errorf("an empty Flush wrote: %d writes", n)
	}
	if got := read(); !bytes.Equal(got, want) {
		t.Errorf("peer read %d bytes, want %d in order", len(got), len(want))
	}
}

// TestCorkedLargeWrites checks that a corked Conn never holds more than
// DefaultMaxBuffer and keeps the order of the bytes.
func TestCorkedLargeWrites(t *testing.T) {
	c, _, read := tcpPair(t)
	var want []byte
	c.Cork()
	for i, size := range []int{10, DefaultMaxBuffer - 5, 3, 2*DefaultMaxBuffer + 1, 7, DefaultMaxBuffer} {
		p := bytes.Repeat([]byte{byte('a' + i)}, size)
		want = append(want, p...)
		if n, err := c.Write(p); err != nil || n != len(p) {
			t.Fatalf("Write(%d bytes) = %d, %v", size, n, err)
		}
		c.mu.Lock()
		held := len(c.buf)
		c.mu.Unlock()
		if held > DefaultMaxBuffer {
			t.Fatalf("holds %d bytes", held)
		}
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := read(); !bytes.Equal(got, want) {
		t.Errorf("peer read %d bytes, want %d in order", len(got), len(want))
	}
}

// TestConcurrentWritersKeepWholeWrites writes from several goroutines
// while another corks and flushes: every write arrives whole.
func TestConcurrentWritersKeepWholeWrites(t *testing.T) {
	c, _, read := tcpPair(t)
	const writers, each, size = 4, 200, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			p := bytes.Repeat([]byte{byte('a' + w)}, size)
			for range each {
				if _, err := c.Write(p); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	done := make(chan struct{})
	flusher := make(chan struct{})
	go func() {
		defer close(flusher)
		for {
			select {
			case <-done:
				return
			default:
			}
			c.Cork()
			time.Sleep(10 * time.Microsecond)
			if err := c.Flush(); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	close(done)
	<-flusher
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	got := read()
	if len(got) != writers*each*size {
		t.Fatalf("peer read %d bytes, want %d", len(got), writers*each*size)
	}
	for i := 0; i < len(got); i += size {
		if !bytes.Equal(got[i:i+size], bytes.Repeat(got[i:i+1], size)) {
			t.Fatalf("write at %d split or interleaved", i)
		}
	}
}

// TestWriteTimeout checks that a flush to a peer that does not read fails
// once the write timeout passes.
func TestWriteTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
		close(accepted)
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := New(nc)
	defer c.Close()
	if peer := <-accepted; peer != nil {
		defer peer.Close() // never reads
	}
	c.SetWriteTimeout(50 * time.Millisecond)
	p := make([]byte, DefaultMaxBuffer)
	for range 10000 { // far more than the socket buffers hold
		c.Cork()
		if _, err = c.Write(p); err == nil {
			err = c.Flush()
		}
		if err != nil {
			break
		}
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
}

func TestListenerWraps(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := Listener{ln}
	defer l.Close()
	go func() {
		if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
			_ = c.Close()
		}
	}()
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.(*Conn); !ok {
		t.Errorf("Accept returned a %T", c)
	}
}
