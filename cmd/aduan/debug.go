package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// debugServer serves Go's profiler (net/http/pprof) on ADUAN_DEBUG_LISTEN,
// apart from the public listener: off by default, and meant for loopback or
// a private network (a profile shows code paths and timings, and taking one
// costs CPU). No personal data is served.
type debugServer struct {
	ln  net.Listener
	srv *http.Server
}

// listenDebug binds ADUAN_DEBUG_LISTEN (nil when it is empty).
func listenDebug(addr string, log *slog.Logger) (*debugServer, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("debug listener ADUAN_DEBUG_LISTEN=%s: %w", addr, err)
	}
	if host, _, _ := net.SplitHostPort(addr); !isLoopback(host) {
		log.Warn("pprof is served on a non-loopback address: keep ADUAN_DEBUG_LISTEN off the public network", "listen", addr)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return &debugServer{ln: ln, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serve serves until shutdown; nil-safe.
func (d *debugServer) serve(log *slog.Logger) {
	if d == nil {
		return
	}
	log.Info("pprof serving", "listen", d.ln.Addr().String())
	if err := d.srv.Serve(d.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("pprof server stopped", "err", err)
	}
}

// shutdown stops the server, or closes the listener of one never served;
// nil-safe.
func (d *debugServer) shutdown(ctx context.Context) {
	if d == nil {
		return
	}
	_ = d.srv.Shutdown(ctx)
	_ = d.ln.Close()
}
