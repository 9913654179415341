package budget

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/poollint/poollint/rails"
	"github.com/poollint/poollint/redact"
)

// Text writes one app's budget as tables: one per database server, then
// Redis, then what is not counted and the notes.
func Text(w io.Writer, app string, b rails.Budget) error {
	bw := bufio.NewWriter(w)
	title := redact.Path(app)
	if b.Deployment != "" && b.Unit != "dyno" {
		title += ", deployment " + oneLine(b.Deployment)
	}
	fmt.Fprintf(bw, "Connection budget of %s\n", title)
	if len(b.Servers) == 0 {
		fmt.Fprintf(bw, "\nNo database: no config for the environment in config/database.yml and no DATABASE_URL poollint can see.\n")
	}
	unit := b.Unit
	if unit == "" {
		unit = "dyno"
	}
	for _, s := range b.Servers {
		writeServer(bw, s, unit)
	}
	if b.Redis != nil {
		writeRedis(bw, b.Redis, unit)
	}
	if len(b.Excluded) > 0 {
		var parts []string
		for _, e := range b.Excluded {
			parts = append(parts, oneLine(e.Name+" ("+e.Why+")"))
		}
		fmt.Fprintf(bw, "\nNot counted: %s\n", strings.Join(parts, ", "))
	}
	if len(b.Notes) > 0 {
		fmt.Fprintf(bw, "\nNotes (* marks an assumed number, ? one poollint cannot read)\n")
		for _, n := range b.Notes {
			if n.Subject == "" {
				fmt.Fprintf(bw, "  - %s\n", oneLine(n.Text))
			} else {
				fmt.Fprintf(bw, "  - %s: %s\n", oneLine(n.Subject), oneLine(n.Text))
			}
		}
	}
	return bw.Flush()
}

func writeServer(w io.Writer, s *rails.DatabaseServer, unit string) {
	title := "Database " + s.Name
	if cs := strings.Join(s.Configs, ", "); cs != s.Name {
		title += " (" + cs + ")"
	}
	fmt.Fprintf(w, "\n%s\n", oneLine(title))
	t := &table{right: []bool{false, false, true, true, true, true, true, false}}
	t.add("PROCESS", "KIND", strings.ToUpper(unit)+"S", "PROCESSES/"+strings.ToUpper(unit), "THREADS", "POOL", "CONNECTIONS", "")
	for _, u := range s.Uses {
		r := u.Row
		t.add(r.Name, r.Kind.String(), cell(r.Dynos), cell(r.PerDyno), cell(r.Threads), poolCell(u), totalCell(u.Total), howCell(u))
	}
	for _, line := range limitLines(s.Total, s.Complete, s.Limit, "unknown: declare database.max_connections in .poollint.yml or pass --max-connections") {
		t.add(line[0], "", "", "", "", "", line[1], line[2])
	}
	t.write(w)
}

func writeRedis(w io.Writer, r *rails.RedisBudget, unit string) {
	fmt.Fprintf(w, "\nRedis (Sidekiq)\n")
	t := &table{right: []bool{false, false, true, true, true, true, false}}
	t.add("PROCESS", "ROLE", strings.ToUpper(unit)+"S", "PROCESSES/"+strings.ToUpper(unit), "CONNECTIONS/PROCESS", "CONNECTIONS", "")
	for _, rr := range r.Rows {
		t.add(rr.Row.Name, rr.Role, cell(rr.Row.Dynos), cell(rr.Row.PerDyno), cell(rr.PerProcess), totalCell(rr.Total), "")
	}
	for _, line := range limitLines(r.Total, r.Complete, r.Limit, "unknown: "+r.LimitUnknown) {
		t.add(line[0], "", "", "", "", line[1], line[2])
	}
	t.write(w)
}

// limitLines are the total, limit and headroom rows of a table: label,
// number, comment.
func limitLines(total int, complete bool, l rails.Limit, unknownLimit string) [][3]string {
	tot := [3]string{"total", strconv.Itoa(total), ""}
	if !complete {
		tot[2] = "at least: some connections could not be counted (see the notes)"
	}
	lines := [][3]string{tot}
	if !l.Known {
		return append(lines, [3]string{"limit", "?", unknownLimit})
	}
	src := l.Source
	if l.Unverified {
		src += " (unverified, see the notes)"
	}
	lines = append(lines, [3]string{"limit", strconv.Itoa(l.N), src})
	pct := total / max(l.N, 1) * 100
	if p, sat := rails.SatMul(total, 100); !sat {
		pct = p / max(l.N, 1)
	}
	head := strconv.Itoa(l.N - total)
	switch {
	case !complete && total > l.N:
		lines = append(lines, [3]string{"headroom", head, fmt.Sprintf("over the limit by at least %d", total-l.N)})
	case !complete:
		lines = append(lines, [3]string{"headroom", "?", "the total is a lower bound"})
	case total > l.N:
		lines = append(lines, [3]string{"headroom", head, fmt.Sprintf("over the limit by %d (%d%% used)", total-l.N, pct)})
	case satTimes(total, 5) >= satTimes(l.N, 4):
		lines = append(lines, [3]string{"headroom", head, fmt.Sprintf("%d%% used: a deploy briefly doubles the web connections", pct)})
	default:
		lines = append(lines, [3]string{"headroom", head, fmt.Sprintf("%d%% used", pct)})
	}
	return lines
}

// cell renders a number: "?" when unknown, a trailing "*" when assumed.
func cell(c rails.Count) string {
	switch {
	case !c.Known:
		return "?"
	case c.Assumed || len(c.Unset) > 0:
		return strconv.Itoa(c.N) + "*"
	}
	return strconv.Itoa(c.N)
}

func totalCell(c rails.Count) string {
	if !c.Known {
		return "?"
	}
	return strconv.Itoa(c.N)
}

// poolCell renders the pools of the configs on the server: "5", "5+5".
func poolCell(u *rails.ServerUse) string {
	var parts []string
	for _, p := range u.Pools {
		switch {
		case !p.Known:
			parts = append(parts, "?")
		case p.Unlimited:
			parts = append(parts, "none")
		case p.Default || len(p.Unset) > 0:
			parts = append(parts, strconv.Itoa(p.Size)+"*")
		default:
			parts = append(parts, strconv.Itoa(p.Size))
		}
	}
	return strings.Join(parts, "+")
}

// howCell explains a connections figure that is not simply
// dynos × processes × min(threads, pool).
func howCell(u *rails.ServerUse) string {
	if b := u.Bouncer; b != nil {
		s := "through PgBouncer: " + cell(b.PerDyno) + " per dyno"
		if b.DefaultPool.Known && b.ReservePool.Known {
			s += " (default_pool_size " + strconv.Itoa(b.DefaultPool.N) + " + reserve_pool_size " + strconv.Itoa(b.ReservePool.N) + " at most)"
		}
		return s
	}
	r := u.Row
	if r.QueueOnly && r.Need.Known {
		return fmt.Sprintf("up to %d per process (Solid Queue's own threads, no jobs)", r.Need.N)
	}
	if r.Need.Known && r.Threads.Known && r.Need.N != r.Threads.N {
		return fmt.Sprintf("up to %d per process (threads + %d)", r.Need.N, r.Need.N-r.Threads.N)
	}
	return ""
}

// table lays out rows in columns, numbers right-aligned; a trailing empty
// cell adds no padding.
type table struct {
	rows  [][]string
	right []bool
}

// add appends a row. Cells come from the app (process names, hosts):
// their secrets are masked and their control characters neutralised.
func (t *table) add(cells ...string) {
	for i, c := range cells {
		cells[i] = oneLine(c)
	}
	t.rows = append(t.rows, cells)
}

// oneLine is redact.Message kept on one line: text from the linted app
// can neither print a password nor start a line or drive the terminal.
func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(redact.Message(s))
}

func (t *table) write(w io.Writer) {
	widths := make([]int, len(t.right))
	for _, r := range t.rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range t.rows {
		var b strings.Builder
		b.WriteString("  ")
		last := len(r) - 1
		for last > 0 && r[last] == "" {
			last--
		}
		for i := 0; i <= last; i++ {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(r[i]))
			if i > 0 {
				b.WriteString("  ")
			}
			switch {
			case t.right[i]:
				b.WriteString(pad + r[i])
			case i == last:
				b.WriteString(r[i])
			default:
				b.WriteString(r[i] + pad)
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// satTimes is a*b stopping at the int range, so a saturated total stays
// "over" rather than wrapping to a small one.
func satTimes(a, b int) int {
	n, _ := rails.SatMul(a, b)
	return n
}
