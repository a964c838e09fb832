package main

import (
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// version and revision are set at build time where Go cannot stamp them
// from git (the Dockerfile: -ldflags "-X main.version=v1.2.3 -X
// main.revision=<commit>"); otherwise the module version Go stamps from the
// git tag (or "devel") and the VCS revision.
var version, revision string

// buildInfo is what this binary was built from, read from the build
// information Go embeds (module version, VCS revision and time, whether the
// tree had uncommitted changes).
type buildInfo struct {
	Version   string
	Revision  string // full commit hash; "" when built outside git
	Time      string // commit time, RFC 3339
	Modified  bool   // built from a tree with uncommitted changes
	GoVersion string
	Platform  string
}

func readBuildInfo() buildInfo {
	b := buildInfo{Version: version, Revision: revision, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" {
			b.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Revision == "" {
					b.Revision = s.Value
				}
			case "vcs.time":
				b.Time = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if b.Version == "" || b.Version == "(devel)" {
		b.Version = "devel"
	}
	return b
}

// String is `aduan version`'s line: aduan v1.2.0 (commit 0123abcd4567,
// 2026-12-01T10:00:00Z, modified) go1.26.8 linux/amd64.
func (b buildInfo) String() string {
	var detail []string
	if b.Revision != "" {
		detail = append(detail, "commit "+short(b.Revision))
	}
	if b.Time != "" {
		detail = append(detail, b.Time)
	}
	if b.Modified {
		detail = append(detail, "modified")
	}
	s := "aduan " + b.Version
	if len(detail) > 0 {
		s += " (" + strings.Join(detail, ", ") + ")"
	}
	return s + " " + b.GoVersion + " " + b.Platform
}

func short(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}

// runVersion is `aduan version` (and `aduan --version`).
func runVersion(args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if err := cmdVersion.parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, readBuildInfo())
	return nil
}

// buildInfoMetric is aduan_build_info: 1, labelled with the version, the
// commit and the Go version, so a dashboard shows what each replica runs.
func buildInfoMetric() prometheus.Collector {
	b := readBuildInfo()
	modified := "false"
	if b.Modified {
		modified = "true"
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "aduan_build_info",
		Help: "1, labelled with the version, commit and Go version this binary was built from.",
		ConstLabels: prometheus.Labels{"version": b.Version, "revision": b.Revision, "modified": modified,
			"goversion": b.GoVersion}})
	g.Set(1)
	return g
}
