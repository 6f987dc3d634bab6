package rpc

// PendingCalls returns the number of requests waiting for their response.
func PendingCalls(c *Conn) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}
