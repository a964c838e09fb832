package queue

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aduan-id/aduan/bot/redistest"
)

func TestStreamSinkDedupsAndLogs(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	ctx := context.Background()
	logs := &logBuffer{}
	sink := NewStreamSink(rdb, prefix+":dead", 3, slog.New(slog.NewTextHandler(logs, nil)))
	d := DeadLetter{Kind: "reply", Stream: prefix + ":{s1}:out", Entry: "1-0", Error: "the citizen blocked the bot",
		Attempts: 1, FirstAt: time.Now().UTC(), LastAt: time.Now().UTC(), Payload: map[string]string{"m": `{"text":"Halo Siti"}`}}
	for range 3 { // a worker that crashed before acknowledging adds it again
		if err := sink.AddDeadLetter(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	got, err := sink.List(ctx, 10)
	if err != nil || len(got) != 1 {
		t.Fatalf("%d dead letters, %v; want 1", len(got), err)
	}
	if got[0].ID != DeadLetterID(d.Stream, d.Entry) || got[0].Payload["m"] != d.Payload["m"] || got[0].Error != d.Error {
		t.Fatalf("stored %+v", got[0])
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 {
		t.Fatalf("%d ERROR lines, want one per dead letter:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), "Halo Siti") {
		t.Fatal("the payload (a message to a citizen) was logged")
	}
	d2 := d
	d2.Entry = "2-0"
	if err := sink.AddDeadLetter(ctx, d2); err != nil {
		t.Fatal(err)
	}
	if got, _ := sink.List(ctx, 10); len(got) != 2 || got[0].Entry != "2-0" {
		t.Fatalf("newest first: %+v", got)
	}
}
