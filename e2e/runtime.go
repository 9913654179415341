//go:build e2e

package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// outcome is what happened when the app ran under load.
type outcome struct {
	failed  bool
	summary string // "3 of 8 requests failed", "rake db:migrate exited 1"
	errors  []errorSeen
	detail  string // e.g. "pool size 5"
}

// errorSeen is one distinct error text and how often it was seen.
type errorSeen struct {
	text  string
	count int
}

func (o outcome) String() string {
	s := o.summary
	if o.detail != "" {
		s += "; " + o.detail
	}
	return s
}

// errorTexts renders the distinct errors, most frequent first.
func (o outcome) errorTexts() []string {
	var out []string
	for _, e := range o.errors {
		out = append(out, fmt.Sprintf("%d× %s", e.count, e.text))
	}
	return out
}

// matches reports whether some error seen matches re.
func (o outcome) matches(re *regexp.Regexp) bool {
	for _, e := range o.errors {
		if re.MatchString(e.text) {
			return true
		}
	}
	return false
}

// run is one run of one app tree: where it is and how it connects.
type run struct {
	t     testing.TB
	app   string
	label string // "<scenario> before" / "after", for names and logs
	dir   string // where its logs go
	db    string // its database
	env   []string
	// pgbouncer: give the run its own PgBouncer (see stack.connectTo).
	pgbouncer bool
}

// procfileProc starts one Procfile process of the app under sh, as a
// platform runs the line, with extra variables set (PORT, ...).
func (r *run) procfileProc(ctx context.Context, name, logName string, extra ...string) (*proc, error) {
	cmd, err := procfileCommand(r.app, name)
	if err != nil {
		return nil, err
	}
	return startProc(ctx, r.t, procSpec{
		name: r.label + " " + name + ": " + cmd, argv: []string{"sh", "-c", cmd}, dir: r.app,
		env: append(append(append([]string{}, r.env...), "RAILS_ENV=production"), extra...),
		log: filepath.Join(r.dir, logName), group: true,
	})
}

// runWeb starts dynos copies of the Procfile's web process, waits until
// each answers GET /up, then sends perDyno concurrent GET path requests to
// every one of them at once (all released together), and stops them. A
// request fails with anything but 200; the error texts come from the
// Rails logs.
func (r *run) runWeb(ctx context.Context, dynos, perDyno int, path string) (outcome, error) {
	var procs []*proc
	var ports []int
	for i := range dynos {
		port, err := freePort()
		if err != nil {
			return outcome{}, err
		}
		p, err := r.procfileProc(ctx, "web", fmt.Sprintf("web.%d.log", i+1), "PORT="+strconv.Itoa(port))
		if err != nil {
			return outcome{}, err
		}
		procs, ports = append(procs, p), append(ports, port)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	for i, p := range procs {
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := p.waitUntil(wctx, "GET /up", func() error {
			return get(wctx, client, fmt.Sprintf("http://127.0.0.1:%d/up", ports[i]))
		})
		cancel()
		if err != nil {
			return outcome{}, err
		}
	}

	gate := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed, total := 0, 0
	for _, port := range ports {
		for range perDyno {
			total++
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				if err := get(ctx, client, fmt.Sprintf("http://127.0.0.1:%d%s", port, path)); err != nil {
					mu.Lock()
					failed++
					mu.Unlock()
				}
			}()
		}
	}
	close(gate)
	wg.Wait()
	var logs strings.Builder
	for _, p := range procs {
		p.stop()
		logs.WriteString(p.logText())
	}
	o := outcome{failed: failed > 0, errors: railsErrors(logs.String())}
	o.summary = fmt.Sprintf("%d of %d requests failed", failed, total)
	if failed == 0 {
		o.summary = fmt.Sprintf("%d of %d requests ok", total, total)
	}
	return o, nil
}

// get fetches url and fails unless the answer is 200.
func get(ctx context.Context, c *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

// sidekiqDone matches Sidekiq 6's line for a finished job.
var sidekiqDone = regexp.MustCompile(`class=(\S+) jid=\S+ elapsed=\S+ INFO: (done|fail)`)

// runWorker enqueues jobs jobs of class (Sidekiq's JSON in Redis, as
// perform_async writes it), starts the Procfile's worker process, waits
// until every job has finished or failed, and stops it. The error texts
// come from Sidekiq's log.
func (r *run) runWorker(ctx context.Context, redis *redisServer, class string, jobs int) (outcome, error) {
	if _, err := redis.do(ctx, "FLUSHALL"); err != nil {
		return outcome{}, err
	}
	for range jobs {
		jid := make([]byte, 12)
		_, _ = rand.Read(jid)
		now := float64(time.Now().UnixNano()) / 1e9
		job, _ := json.Marshal(map[string]any{
			"class": class, "args": []any{}, "retry": false, "queue": "default",
			"jid": hex.EncodeToString(jid), "created_at": now, "enqueued_at": now,
		})
		if _, err := redis.do(ctx, "LPUSH", "queue:default", string(job)); err != nil {
			return outcome{}, err
		}
	}
	if _, err := redis.do(ctx, "SADD", "queues", "default"); err != nil {
		return outcome{}, err
	}
	p, err := r.procfileProc(ctx, "worker", "worker.log", "REDIS_URL="+redis.url())
	if err != nil {
		return outcome{}, err
	}
	wctx, cancel := context.WithTimeout(ctx, 40*time.Second)
	defer cancel()
	err = p.waitUntil(wctx, fmt.Sprintf("%d finished jobs", jobs), func() error {
		if n := len(sidekiqDone.FindAllString(p.logText(), -1)); n < jobs {
			return fmt.Errorf("%d of %d jobs finished", n, jobs)
		}
		return nil
	})
	if err != nil {
		return outcome{}, err
	}
	p.stop()
	log := p.logText()
	failed := 0
	for _, m := range sidekiqDone.FindAllStringSubmatch(log, -1) {
		if m[2] == "fail" {
			failed++
		}
	}
	o := outcome{failed: failed > 0, errors: sidekiqErrors(log), detail: poolSizes(log)}
	o.summary = fmt.Sprintf("%d of %d jobs failed", failed, jobs)
	if failed == 0 {
		o.summary = fmt.Sprintf("%d of %d jobs done", jobs, jobs)
	}
	return o, nil
}

// runRelease runs the Procfile's release process to completion.
func (r *run) runRelease(ctx context.Context, extra ...string) (outcome, int, error) {
	p, err := r.procfileProc(ctx, "release", "release.log", extra...)
	if err != nil {
		return outcome{}, 0, err
	}
	wctx, cancel := context.WithTimeout(ctx, 40*time.Second)
	defer cancel()
	code, err := p.wait(wctx)
	if err != nil {
		return outcome{}, code, err
	}
	cmd, _ := procfileCommand(r.app, "release")
	o := outcome{failed: code != 0, errors: rakeErrors(p.logText())}
	o.summary = fmt.Sprintf("%s exited %d", strings.TrimPrefix(cmd, "bin/start-pgbouncer "), code)
	return o, code, nil
}

// The error texts of each log format, normalised so that runs compare:
// timings and ports vary, the error does not.
var (
	// Rails' request log: `ActiveRecord::ConnectionTimeoutError (message):`
	// (the message may span lines).
	railsErrorRE = regexp.MustCompile(`(?ms)^([A-Z]\w*(?:::[A-Z]\w*)+) \((.*?)\):\s*$`)
	// Sidekiq 6: `WARN: ActiveRecord::ConnectionTimeoutError: message`.
	sidekiqErrorRE = regexp.MustCompile(`(?m)WARN: ([A-Z]\w*(?:::[A-Z]\w*)+): (.*)$`)
	// rake: `rake aborted!` then `Class: message` up to the backtrace or
	// the Tasks: line.
	rakeErrorRE = regexp.MustCompile(`(?s)rake aborted!\n([A-Z]\w*(?:::[A-Z]\w*)+): ?(.*?)\n(?:/|Tasks:)`)
	poolSizeRE  = regexp.MustCompile(`pool size (\d+)`)

	waitedRE = regexp.MustCompile(`waited \d+\.\d+ seconds`)
	portRE   = regexp.MustCompile(`port \d+`)
	spaceRE  = regexp.MustCompile(`\s+`)
)

func railsErrors(log string) []errorSeen { return collect(railsErrorRE.FindAllStringSubmatch(log, -1)) }

func sidekiqErrors(log string) []errorSeen {
	return collect(sidekiqErrorRE.FindAllStringSubmatch(log, -1))
}

func rakeErrors(log string) []errorSeen { return collect(rakeErrorRE.FindAllStringSubmatch(log, -1)) }

func collect(matches [][]string) []errorSeen {
	counts := map[string]int{}
	var order []string
	for _, m := range matches {
		msg := waitedRE.ReplaceAllString(m[2], "waited N seconds")
		msg = portRE.ReplaceAllString(msg, "port N")
		text := strings.TrimSpace(m[1] + ": " + strings.TrimSpace(spaceRE.ReplaceAllString(msg, " ")))
		if counts[text] == 0 {
			order = append(order, text)
		}
		counts[text]++
	}
	out := make([]errorSeen, 0, len(order))
	for _, t := range order {
		out = append(out, errorSeen{text: t, count: counts[t]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].count > out[j].count })
	return out
}

// poolSizes reads the "pool size N" lines the jobs log.
func poolSizes(log string) string {
	seen := map[string]bool{}
	var sizes []string
	for _, m := range poolSizeRE.FindAllStringSubmatch(log, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			sizes = append(sizes, m[1])
		}
	}
	if len(sizes) == 0 {
		return ""
	}
	return "pool size " + strings.Join(sizes, ", ")
}
