package main

import (
	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/api/sqlstore/sqlstoretest"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/redistest"
	"github.com/aduan-id/aduan/flows"
)

// /readyz is 503 while Redis does not answer (a load balancer then sends
// Telegram's webhooks to a replica that can commit them) and 200 again once
// it is back; /healthz stays 200 throughout. The report database is reported
// separately and does not make the replica unready: conversations and
// webhook acks need only Redis.
func TestReadyzFollowsRedis(t *testing.T) {
	srv := redistest.NewServer(t)
	rdb, prefix := redistest.ClientAt(t, srv.Addr())
	set, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	store := sqlstoretest.Open(t, "sqlite")
	a := &app{rdb: rdb, dispatcher: bot.NewDispatcher(rdb, bot.NewKeys(prefix, 2), flows.NewEngine(set, flows.Config{})),
		service: api.NewService(store, rdb, prefix, set.Catalog(), nil, set, nil)}
	e := echo.New()
	newHealth(a).register(e)
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code, rec.Body.String()
	}
	tests := []struct {
		name       string
		redisUp    bool
		dbDown     bool
		wantReady  int
		wantInBody string
	}{
		{"redis up", true, false, http.StatusOK, `"database":"ok","redis":"ok"`},
		{"redis down", false, false, http.StatusServiceUnavailable, `"redis":"unavailable"`},
		{"redis back", true, false, http.StatusOK, `"redis":"ok"`},
		{"database down", true, true, http.StatusOK, `"database":"unavailable","redis":"ok"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.redisUp {
				srv.Restart()
			} else {
				srv.Stop()
			}
			if tt.dbDown {
				_ = store.Close()
			}
			if code, body := get("/readyz"); code != tt.wantReady || !strings.Contains(body, tt.wantInBody) {
				t.Errorf("/readyz = %d %s, want %d with %s", code, body, tt.wantReady, tt.wantInBody)
			}
			if code, _ := get("/healthz"); code != http.StatusOK {
				t.Errorf("/healthz = %d, want 200", code)
			}
		})
	}
}
