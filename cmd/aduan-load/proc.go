package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// procMem is a process's memory from /proc/<pid>/status, in KiB: VmRSS (the
// resident set now) and VmHWM (its peak since the process started).
type procMem struct {
	rssKB, hwmKB int64
}

func (m procMem) rssMiB() float64 { return float64(m.rssKB) / 1024 }
func (m procMem) hwmMiB() float64 { return float64(m.hwmKB) / 1024 }

// parseProcStatus reads VmRSS and VmHWM from the text of /proc/<pid>/status
// ("VmRSS:\t   41236 kB"). Both must be present.
func parseProcStatus(s string) (procMem, error) {
	var m procMem
	var haveRSS, haveHWM bool
	for line := range strings.Lines(s) {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return m, fmt.Errorf("/proc status: %s: want \"<number> kB\", got %q", name, strings.TrimSpace(rest))
		}
		v, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || v < 0 {
			return m, fmt.Errorf("/proc status: %s: bad number %q", name, f[0])
		}
		if name == "VmRSS" {
			m.rssKB, haveRSS = v, true
		} else {
			m.hwmKB, haveHWM = v, true
		}
	}
	if !haveRSS || !haveHWM {
		// A kernel thread or a zombie has no Vm* lines.
		return m, fmt.Errorf("/proc status: no VmRSS/VmHWM (process exited or is a kernel thread?)")
	}
	return m, nil
}

// parseProcStatCPU is utime+stime, in clock ticks, from the text of
// /proc/<pid>/stat. The command name (field 2) is in parentheses and may
// itself hold spaces and parentheses, so fields are counted from the last ')'.
func parseProcStatCPU(s string) (int64, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc stat: no command name")
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc stat: %d fields after the command name, want at least 13", len(f))
	}
	var sum int64
	for _, v := range f[11:13] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("/proc stat: bad CPU time %q", v)
		}
		sum += n
	}
	return sum, nil
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times: 100 on
// every Linux architecture Go supports (the kernel fixes it for userspace).
const clockTicks = 100

func ticksToDuration(t int64) time.Duration { return time.Duration(t) * time.Second / clockTicks }

// proc reads one process's figures. The zero pid means "not watched": every
// read returns zero values and no error.
type proc struct{ pid int }

func (p proc) watched() bool { return p.pid > 0 }

func (p proc) mem() (procMem, error) {
	if !p.watched() {
		return procMem{}, nil
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.pid))
	if err != nil {
		return procMem{}, fmt.Errorf("serve process %d: %w", p.pid, err)
	}
	return parseProcStatus(string(b))
}

func (p proc) cpu() (time.Duration, error) {
	if !p.watched() {
		return 0, nil
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.pid))
	if err != nil {
		return 0, fmt.Errorf("serve process %d: %w", p.pid, err)
	}
	t, err := parseProcStatCPU(string(b))
	return ticksToDuration(t), err
}

// rssWatch samples a process's VmRSS every interval from start until stop,
// keeping the largest value seen (and the first error).
type rssWatch struct {
	mu      sync.Mutex
	max     procMem
	samples int
	err     error
	stop    context.CancelFunc
	done    chan struct{}
}

func watchRSS(p proc, interval time.Duration) *rssWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &rssWatch{stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		if !p.watched() {
			return
		}
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			w.sample(p)
			select {
			case <-ctx.Done():
				w.sample(p)
				return
			case <-t.C:
			}
		}
	}()
	return w
}

func (w *rssWatch) sample(p proc) {
	m, err := p.mem()
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		if w.err == nil {
			w.err = err
		}
		return
	}
	w.samples++
	w.max.rssKB = max(w.max.rssKB, m.rssKB)
	w.max.hwmKB = max(w.max.hwmKB, m.hwmKB)
}

// finish stops the sampling and returns the largest VmRSS (and VmHWM) seen
// and how many samples were taken.
func (w *rssWatch) finish() (procMem, int, error) {
	w.stop()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.max, w.samples, w.err
}
