package redistest

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a private redis-server process for one test (no persistence: a
// restart starts empty). Use it for tests that stop Redis; everything else
// should share the Redis of Client.
type Server struct {
	t    testing.TB
	port int
	dir  string

	mu  sync.Mutex
	cmd *exec.Cmd
	// durable servers keep an append-only file in dir across restarts.
	durable bool
	// extra are more redis-server arguments (replicaof, cluster-enabled…).
	extra []string
}

// StartServer starts a private redis-server on a free port and returns its
// address and a func that kills it (SIGKILL, like a crash). The test fails
// when the redis-server binary is missing. The process is killed at cleanup.
func StartServer(t testing.TB) (addr string, stop func()) {
	t.Helper()
	s := NewServer(t)
	return s.Addr(), s.Stop
}

// NewServer is StartServer returning the Server, which can also Restart.
func NewServer(t testing.TB) *Server {
	t.Helper()
	return newServer(t, false)
}

// NewDurableServer is NewServer with an append-only file fsynced on every
// write, as production runs it (there everysec): a killed and restarted server
// comes back with its data, so a test can check that work resumes.
func NewDurableServer(t testing.TB) *Server {
	t.Helper()
	return newServer(t, true)
}

func newServer(t testing.TB, durable bool, extra ...string) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("redistest: redis-server binary not found (apt-get install redis-server): %v", err)
	}
	s := &Server{t: t, port: freePort(t), dir: t.TempDir(), durable: durable, extra: extra}
	if err := s.start(); err != nil {
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Addr is host:port of the server; it stays the same across restarts.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// Stop kills the server (SIGKILL) and waits for it to exit. Stopping a
// stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Restart starts the server again on the same port (stopping it first if it
// runs). Its data is gone unless it is a durable server.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restart: %v", err)
	}
}

func (s *Server) start() error {
	appendonly := "no"
	if s.durable {
		appendonly = "yes"
	}
	cmd := exec.Command("redis-server",
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", appendonly,
		"--appendfsync", "always",
		"--dir", s.dir,
		"--logfile", "",
	)
	cmd.Args = append(cmd.Args, s.extra...)
	return s.startCmd(cmd)
}

// startCmd starts cmd (a redis-server or redis-sentinel listening on s's
// port) and waits until it answers PING.
func (s *Server) startCmd(cmd *exec.Cmd) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", filepath.Base(cmd.Path), err)
	}
	s.cmd = cmd
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			s.cmd = nil
			return fmt.Errorf("%s on port %d not ready: %w", filepath.Base(cmd.Path), s.port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("redistest: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
