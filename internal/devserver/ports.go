package devserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"time"
)

// loopback is the address every internal service binds to.
const loopback = "127.0.0.1"

// FreeAddress returns "127.0.0.1:<port>" for a port that was free a moment
// ago. Another process may still take it before the caller binds it.
func FreeAddress() (string, error) {
	ports, err := freePorts(1)
	if err != nil {
		return "", err
	}
	return net.JoinHostPort(loopback, strconv.Itoa(ports[0])), nil
}

// freePorts returns n distinct ports free on 127.0.0.1 and different from
// every port in exclude. All probes stay open until the last is chosen, so
// the kernel cannot hand the same port out twice.
func freePorts(n int, exclude ...int) ([]int, error) {
	ports := make([]int, 0, n)
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			_ = l.Close() // only probing; a close error changes nothing
		}
	}()
	for len(ports) < n {
		if len(listeners) > n+64 {
			return nil, errors.New("devserver: no free port found")
		}
		l, err := net.Listen("tcp", net.JoinHostPort(loopback, "0"))
		if err != nil {
			return nil, fmt.Errorf("devserver: find a free port: %w", err)
		}
		listeners = append(listeners, l)
		addr, ok := l.Addr().(*net.TCPAddr)
		if !ok {
			return nil, fmt.Errorf("devserver: unexpected listener address %v", l.Addr())
		}
		if !slices.Contains(exclude, addr.Port) {
			ports = append(ports, addr.Port)
		}
	}
	return ports, nil
}

// checkBindable fails when addr cannot be listened on right now. The server
// and the UI exit the process on a bind failure, so this turns the common
// "address already in use" into an ordinary error first.
func checkBindable(what, addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("devserver: %s address %s is not available: %w", what, addr, err)
	}
	if err := l.Close(); err != nil {
		return fmt.Errorf("devserver: release probe for %s address %s: %w", what, addr, err)
	}
	return nil
}

// waitListening polls addr until it accepts a TCP connection or ctx ends.
func waitListening(ctx context.Context, addr string) error {
	var d net.Dialer
	for {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			return c.Close()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("devserver: %s never accepted connections: %w", addr, errors.Join(ctx.Err(), err))
		case <-time.After(20 * time.Millisecond):
		}
	}
}
