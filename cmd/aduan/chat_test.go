package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore"
	"github.com/aduan-id/aduan/api/sqlstore/sqlstoretest"
	"github.com/aduan-id/aduan/bot/redistest"
)

// A piped terminal conversation ends with a tracking number, and the report
// is in the report database with what the citizen typed: the embedded SQLite
// file with no configuration, PostgreSQL with ADUAN_DATABASE_URL.
func TestPipedChatFilesAReport(t *testing.T) {
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) { testPipedChatFilesAReport(t, dialect) })
	}
}

func testPipedChatFilesAReport(t *testing.T, dialect string) {
	_, prefix := redistest.Client(t)
	t.Setenv("REDIS_URL", "redis://"+redistest.Addr()+"/0")
	t.Setenv("ADUAN_REDIS_PREFIX", prefix)
	dataDir := t.TempDir()
	t.Setenv("ADUAN_DATA_DIR", dataDir)
	dsn := filepath.Join(dataDir, "aduan.db") // the embedded default
	if dialect == sqlstore.DialectPostgres {
		dsn = sqlstoretest.DSN(t, dialect)
		t.Setenv("ADUAN_DATABASE_URL", dsn)
	}
	photo := filepath.Join(t.TempDir(), "lubang.png")
	// A 1x1 PNG: the media store sniffs the content, not the name.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
	if err := os.WriteFile(photo, png, 0o644); err != nil {
		t.Fatal(err)
	}
	script := strings.Join([]string{"halo", "1", "1", "Jalan berlubang di Jl. Raya Candi",
		"Ada lubang besar di tengah jalan depan SDN Candi 1, sudah dua minggu.", "kemarin",
		"-7.4912, 112.7105", "candi", photo, "selesai", "anonim", "Siti Aminah", "0812 3456 7890", "kirim"}, "\n")
	var out bytes.Buffer
	if err := chat(context.Background(), []string{"--user", "warga1", "--settle", "200ms"}, strings.NewReader(script), &out); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Nomor laporan: \*(SDA-[A-Z0-9]{6})\*`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no tracking number in the conversation:\n%s", out.String())
	}
	store, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var r *api.Report
	deadline := time.Now().Add(10 * time.Second)
	for r, err = store.Get(context.Background(), m[1]); err != nil && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond) // the action worker may still be storing it
		r, err = store.Get(context.Background(), m[1])
	}
	if err != nil {
		t.Fatalf("report %s not in the database: %v", m[1], err)
	}
	if r.Title != "Jalan berlubang di Jl. Raya Candi" || r.Category != "jalan" || len(r.Photos) != 1 ||
		string(r.Identity) != "anonim" || r.Contact.Phone != "+6281234567890" {
		t.Errorf("report %s does not hold what was typed: %+v", m[1], r)
	}
}

func TestFlowsCheckNamesFileAndStep(t *testing.T) {
	dir := t.TempDir()
	broken := "flows:\n  - id: demo\n    start: a\n    steps:\n      - {id: a, type: text, field: x, label: {id: X, en: X}, prompt: {id: Tanya}, next: nowhere}\n"
	if err := os.WriteFile(filepath.Join(dir, "demo.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"flows", "check", "--flows", dir})
	if err == nil {
		t.Fatal("flows check accepted a broken file")
	}
	for _, want := range []string{"demo.yaml", `step "a"`, `unknown step "nowhere"`, "missing translation"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %q:\n%v", want, err)
		}
	}
	if err := run(context.Background(), []string{"flows", "check"}); err != nil {
		t.Errorf("the embedded flows do not pass their own check: %v", err)
	}
}
