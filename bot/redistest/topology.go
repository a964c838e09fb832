package redistest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// requireBinaries skips the test when a Redis binary it needs is missing,
// saying which and how to install it; under CI (CI set, as CI runners do;
// .ci/run installs them) it fails instead, so a broken CI image cannot pass
// by skipping.
func requireBinaries(t testing.TB, names ...string) map[string]string {
	t.Helper()
	paths := map[string]string{}
	var missing []string
	for _, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			missing = append(missing, n)
			continue
		}
		paths[n] = p
	}
	if len(missing) == 0 {
		return paths
	}
	msg := fmt.Sprintf("redistest: %s not installed (Debian: apt-get install redis-server redis-sentinel redis-tools; .ci/run installs them)",
		strings.Join(missing, ", "))
	if os.Getenv("CI") != "" {
		t.Fatal(msg + "; CI is set, so this is a failure, not a skip")
	}
	t.Skip(msg + "; skipping")
	return nil
}

// Sentinel is a Redis master with one replica, watched by one redis-sentinel
// (quorum 1, master down after 1 s), all on loopback ports, for one test.
// Everything is killed at cleanup. KillMaster and WaitFailover drive a
// failover.
type Sentinel struct {
	t          testing.TB
	MasterName string
	sentinel   *Server

	mu      sync.Mutex
	servers map[string]*Server // by address: the first master and its replica
}

// NewSentinel starts the master, the replica and the sentinel, and returns
// once the replica is in sync and the sentinel knows it (so a failover has a
// replica to promote). The test is skipped when redis-sentinel is missing
// (failed under CI).
func NewSentinel(t testing.TB) *Sentinel {
	t.Helper()
	bins := requireBinaries(t, "redis-server", "redis-sentinel")
	master := newServer(t, false)
	replica := newServer(t, false, "--replicaof", "127.0.0.1", strconv.Itoa(master.port))
	s := &Sentinel{t: t, MasterName: "aduan-test", servers: map[string]*Server{master.Addr(): master, replica.Addr(): replica}}

	// redis-sentinel rewrites its configuration file: it lives in the test's
	// directory.
	port := freePort(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "sentinel.conf")
	text := fmt.Sprintf(`port %d
bind 127.0.0.1
dir %s
logfile ""
sentinel monitor %s 127.0.0.1 %d 1
sentinel down-after-milliseconds %s 1000
sentinel failover-timeout %s 5000
sentinel parallel-syncs %s 1
`, port, dir, s.MasterName, master.port, s.MasterName, s.MasterName, s.MasterName)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatalf("redistest: sentinel config: %v", err)
	}
	s.sentinel = &Server{t: t, port: port, dir: dir}
	if err := s.sentinel.startCmd(exec.Command(bins["redis-sentinel"], conf)); err != nil {
		t.Fatalf("redistest: start redis-sentinel: %v", err)
	}
	t.Cleanup(s.sentinel.Stop)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.waitReplicaKnown(ctx, replica.Addr()); err != nil {
		t.Fatalf("redistest: sentinel setup: %v", err)
	}
	if err := s.WaitReplicated(ctx); err != nil {
		t.Fatalf("redistest: sentinel setup: %v", err)
	}
	return s
}

// Addr is the sentinel's address.
func (s *Sentinel) Addr() string { return s.sentinel.Addr() }

// URL is a REDIS_URL for Aduan: redis-sentinel://<sentinels>/<master name>.
// extra sentinel addresses (e.g. one that is down) are listed first.
func (s *Sentinel) URL(extra ...string) string {
	return "redis-sentinel://" + strings.Join(append(extra, s.Addr()), ",") + "/" + s.MasterName
}

func (s *Sentinel) sentinelClient() *redis.SentinelClient {
	return redis.NewSentinelClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1, DialTimeout: time.Second})
}

// Master is the master's address as the sentinel announces it.
func (s *Sentinel) Master(ctx context.Context) (string, error) {
	sc := s.sentinelClient()
	defer sc.Close()
	hp, err := sc.GetMasterAddrByName(ctx, s.MasterName).Result()
	if err != nil {
		return "", err
	}
	return hp[0] + ":" + hp[1], nil
}

func (s *Sentinel) waitReplicaKnown(ctx context.Context, replica string) error {
	sc := s.sentinelClient()
	defer sc.Close()
	for {
		reps, err := sc.Replicas(ctx, s.MasterName).Result()
		if err == nil {
			for _, r := range reps {
				if r["ip"]+":"+r["port"] == replica && !strings.Contains(r["flags"], "down") {
					return nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the sentinel did not discover replica %s: %v", replica, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// WaitReplicated waits until the current master's replicas have every write
// it took (WAIT 1): replication is asynchronous, so a failover loses what the
// master acknowledged and did not pass on; a test that kills the master calls
// this first.
func (s *Sentinel) WaitReplicated(ctx context.Context) error {
	addr, err := s.Master(ctx)
	if err != nil {
		return err
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer rdb.Close()
	for {
		n, err := rdb.Wait(ctx, 1, 500*time.Millisecond).Result()
		if err == nil && n >= 1 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("replica of %s not in sync (WAIT: %d, %v)", addr, n, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// KillMaster kills the current master (SIGKILL, like a crash) and returns its
// address.
func (s *Sentinel) KillMaster(ctx context.Context) string {
	s.t.Helper()
	addr, err := s.Master(ctx)
	if err != nil {
		s.t.Fatalf("redistest: current master: %v", err)
	}
	s.mu.Lock()
	srv := s.servers[addr]
	s.mu.Unlock()
	if srv == nil {
		s.t.Fatalf("redistest: master %s is not one of this test's servers", addr)
	}
	srv.Stop()
	return addr
}

// WaitFailover waits until the sentinel names a master other than old and
// that server answers as a master; it returns its address.
func (s *Sentinel) WaitFailover(ctx context.Context, old string) (string, error) {
	for {
		addr, err := s.Master(ctx)
		if err == nil && addr != old {
			rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
			role, rerr := rdb.Do(ctx, "ROLE").Slice()
			rdb.Close()
			if rerr == nil && len(role) > 0 && role[0] == "master" {
				return addr, nil
			}
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("no failover from %s: master is %q (%v)", old, addr, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Cluster is a Redis Cluster of masters (no replicas) on loopback ports, for
// one test: the nodes are killed at cleanup.
type Cluster struct {
	nodes []*Server
}

// NewCluster starts n (at least 3) cluster-enabled redis-servers, creates the
// cluster with redis-cli --cluster create and returns once every node says
// cluster_state:ok. The test is skipped when redis-cli is missing (failed
// under CI).
func NewCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	if n < 3 {
		t.Fatalf("redistest: a cluster needs at least 3 masters, not %d", n)
	}
	bins := requireBinaries(t, "redis-server", "redis-cli")
	c := &Cluster{}
	for range n {
		// The cluster bus port is given explicitly (Redis 7: cluster-port):
		// port+10000 may be taken or out of range.
		c.nodes = append(c.nodes, newServer(t, false, "--cluster-enabled", "yes",
			"--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000",
			"--cluster-port", strconv.Itoa(freePort(t))))
	}
	args := append([]string{"--cluster", "create"}, c.Addrs()...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, bins["redis-cli"], args...).CombinedOutput(); err != nil {
		t.Fatalf("redistest: redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, node := range c.nodes {
		rdb := redis.NewClient(&redis.Options{Addr: node.Addr(), MaxRetries: -1})
		for {
			info, err := rdb.ClusterInfo(ctx).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") {
				break
			}
			if ctx.Err() != nil {
				rdb.Close()
				t.Fatalf("redistest: cluster node %s not ok: %v %q", node.Addr(), err, info)
			}
			time.Sleep(50 * time.Millisecond)
		}
		rdb.Close()
	}
	return c
}

// Addrs are the nodes' addresses.
func (c *Cluster) Addrs() []string {
	out := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		out[i] = n.Addr()
	}
	return out
}

// URL is a REDIS_URL for Aduan: redis://node1,node2,node3.
func (c *Cluster) URL() string { return "redis://" + strings.Join(c.Addrs(), ",") }
