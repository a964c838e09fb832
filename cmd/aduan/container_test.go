package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"debug/elf"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// repoRoot is the module's root, where the Dockerfile is.
const repoRoot = "../.."

// The Dockerfile builds what the image needs: a CGO_ENABLED=0 binary with
// the time-zone database compiled in, on a Go of go.mod's version, copied
// FROM scratch with the CA certificates and run as a non-root user. Checked
// without docker (TestContainerImage builds and runs it where docker runs).
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	var froms []string
	for _, m := range regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(text, -1) {
		froms = append(froms, m[1])
	}
	mod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goMinor := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(string(mod))
	if len(froms) < 2 || froms[len(froms)-1] != "scratch" || goMinor == nil ||
		!strings.HasPrefix(froms[0], "golang:"+goMinor[1]) {
		t.Errorf("stages %v: want a golang:%v build stage and a final FROM scratch", froms, goMinor)
	}
	for _, want := range []string{"CGO_ENABLED=0", "-tags timetzdata", "/etc/ssl/certs/ca-certificates.crt", "USER 65532",
		"-X main.version=", "-X main.revision=", `ENTRYPOINT ["/aduan"]`, "ADUAN_LISTEN=:8080", "ADUAN_DATA_DIR=/data"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Dockerfile has no %s", want)
		}
	}
	ignore, err := os.ReadFile(filepath.Join(repoRoot, ".dockerignore"))
	if err != nil || !regexp.MustCompile(`(?m)^\.git$`).Match(ignore) {
		t.Errorf(".dockerignore must keep .git out of the build context: %v", err)
	}
}

// compose.yaml runs Aduan against its Redis (durable, no eviction) and
// PostgreSQL, started only once they answer.
func TestComposeFile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Build       any               `yaml:"build"`
			Command     []string          `yaml:"command"`
			Environment map[string]string `yaml:"environment"`
			DependsOn   map[string]struct {
				Condition string `yaml:"condition"`
			} `yaml:"depends_on"`
			Healthcheck map[string]any `yaml:"healthcheck"`
			Ports       []string       `yaml:"ports"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	redis, pg, app := c.Services["redis"], c.Services["postgres"], c.Services["aduan"]
	if !strings.HasPrefix(redis.Image, "redis:") || !slices.Contains(redis.Command, "noeviction") ||
		!slices.Contains(redis.Command, "--appendonly") || redis.Healthcheck == nil {
		t.Errorf("redis service: %+v", redis)
	}
	if !strings.HasPrefix(pg.Image, "postgres:") || pg.Healthcheck == nil {
		t.Errorf("postgres service: %+v", pg)
	}
	if app.Build == nil || app.DependsOn["redis"].Condition != "service_healthy" || app.DependsOn["postgres"].Condition != "service_healthy" {
		t.Errorf("aduan service must be built here and wait for healthy redis and postgres: %+v", app)
	}
	env := app.Environment
	if _, err := parseRedisURL(env["REDIS_URL"]); err != nil || !strings.Contains(env["REDIS_URL"], "//redis:") {
		t.Errorf("aduan's REDIS_URL %q: %v", env["REDIS_URL"], err)
	}
	if databaseURLProblem(env["ADUAN_DATABASE_URL"]) != "" || !strings.Contains(env["ADUAN_DATABASE_URL"], "@postgres:5432/"+"aduan") {
		t.Errorf("aduan's ADUAN_DATABASE_URL %q", env["ADUAN_DATABASE_URL"])
	}
	if len(app.Ports) != 1 || !strings.HasPrefix(app.Ports[0], "127.0.0.1:") {
		t.Errorf("aduan's ports %v: publish on loopback only", app.Ports)
	}
}

// buildStatic builds cmd/aduan as the Dockerfile does (CGO_ENABLED=0, -tags
// timetzdata) into a temporary directory.
func buildStatic(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the static build compiles every dependency once more")
	}
	out := filepath.Join(t.TempDir(), "aduan")
	cmd := exec.Command("go", "build", "-trimpath", "-tags", "timetzdata", "-ldflags", "-X main.version=v0.0.0-test",
		"-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, b)
	}
	return out
}

// The binary the image gets is static (no ELF interpreter: it runs FROM
// scratch) and, in a root directory holding nothing but itself — no
// /usr/share/zoneinfo, no libc, as in the image — prints its version and
// checks the embedded flows, whose region is Asia/Jakarta: the zone comes
// from the tzdata compiled in.
func TestStaticBinary(t *testing.T) {
	bin := buildStatic(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s is dynamically linked (has an ELF interpreter): it cannot run FROM scratch", bin)
		}
	}
	f.Close()
	if b, err := exec.Command("go", "version", "-m", bin).Output(); err != nil ||
		!strings.Contains(string(b), "CGO_ENABLED=0") || !strings.Contains(string(b), "-tags=timetzdata") {
		t.Errorf("go version -m: %v\n%s", err, b)
	}
	if b, err := exec.Command(bin, "version").Output(); err != nil || !strings.HasPrefix(string(b), "aduan v0.0.0-test ") {
		t.Errorf("aduan version: %v %q", err, b)
	}

	// An empty root, like the image's.
	root := t.TempDir()
	if err := os.Link(bin, filepath.Join(root, "aduan")); err != nil {
		b, _ := os.ReadFile(bin)
		if err := os.WriteFile(filepath.Join(root, "aduan"), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"version"}, {"flows", "check"}} {
		cmd := exec.Command("/aduan", args...)
		cmd.Dir = "/"
		cmd.Env = []string{"ADUAN_DATA_DIR=/data"}
		cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
		b, err := cmd.CombinedOutput()
		if errors.Is(err, syscall.EPERM) || os.Geteuid() != 0 {
			t.Skipf("cannot chroot here (not root, or no CAP_SYS_CHROOT: %v): the scratch-like run is left to TestContainerImage", err)
		}
		if err != nil {
			t.Fatalf("aduan %s in an empty root: %v\n%s", strings.Join(args, " "), err, b)
		}
		if args[0] == "flows" && !strings.Contains(string(b), "flows OK") {
			t.Errorf("aduan flows check in an empty root: %s", b)
		}
	}
}

// docker runs "docker args…", returning its combined output.
func docker(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Dir = dir
	b, err := cmd.CombinedOutput()
	return string(b), err
}

// The image, built and run where docker can run: `aduan version` and
// `flows check` in it, `aduan serve` answering /readyz on its in-memory
// defaults, then compose.yaml's Redis + PostgreSQL + Aduan up and ready.
// Without a docker engine (only the client, or none) it is skipped, saying
// so; TestDockerfile, TestComposeFile and TestStaticBinary still check what
// can be checked without one.
func TestContainerImage(t *testing.T) {
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("no docker client: the image is built and run in CI where docker runs")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	if out, err := docker(ctx, "", "info", "--format", "{{.ServerVersion}}"); err != nil {
		t.Skipf("docker cannot run here (no engine reachable: %v, %s): the image is built and run in CI where docker runs",
			err, firstLine(out))
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	tag := "aduan-test:" + hex.EncodeToString(rnd[:])
	if out, err := docker(ctx, repoRoot, "build", "-t", tag, "--build-arg", "VERSION=v0.0.0-image", "."); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	t.Cleanup(func() { _, _ = docker(context.Background(), "", "rmi", "-f", tag) })
	if out, err := docker(ctx, "", "run", "--rm", tag, "version"); err != nil || !strings.HasPrefix(out, "aduan v0.0.0-image ") {
		t.Errorf("docker run %s version: %v %q", tag, err, out)
	}
	if out, err := docker(ctx, "", "run", "--rm", tag, "flows", "check"); err != nil || !strings.Contains(out, "flows OK") {
		t.Errorf("docker run %s flows check (Asia/Jakarta from the embedded tzdata): %v %q", tag, err, out)
	}

	port := strings.TrimPrefix(freeAddr(t), "127.0.0.1:")
	id, err := docker(ctx, "", "run", "-d", "--rm", "-p", "127.0.0.1:"+port+":8080", tag)
	if err != nil {
		t.Fatalf("docker run -d: %v %s", err, id)
	}
	id = strings.TrimSpace(id)
	t.Cleanup(func() { _, _ = docker(context.Background(), "", "rm", "-f", id) })
	waitHTTP(t, "http://127.0.0.1:"+port+"/readyz")

	if out, err := docker(ctx, "", "compose", "version"); err != nil {
		t.Skipf("no docker compose (%s): compose.yaml is checked by TestComposeFile only", firstLine(out))
	}
	project := "aduantest" + hex.EncodeToString(rnd[:])
	cport := strings.TrimPrefix(freeAddr(t), "127.0.0.1:")
	compose := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "docker", append([]string{"compose", "-p", project}, args...)...)
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), "ADUAN_PORT="+cport)
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	t.Cleanup(func() { _, _ = compose("down", "-v", "--rmi", "local") })
	if out, err := compose("up", "-d", "--build", "--wait"); err != nil {
		t.Fatalf("docker compose up: %v\n%s", err, out)
	}
	waitHTTP(t, "http://127.0.0.1:"+cport+"/readyz")
	status, body := get(t, "http://127.0.0.1:"+cport+"/readyz")
	if status != http.StatusOK || !strings.Contains(body, `"database":"ok"`) || !strings.Contains(body, `"redis":"ok"`) {
		t.Errorf("compose: /readyz = %d %s", status, body)
	}
}

func firstLine(s string) string {
	sc := bufio.NewScanner(strings.NewReader(strings.TrimSpace(s)))
	if sc.Scan() {
		return sc.Text()
	}
	return ""
}
