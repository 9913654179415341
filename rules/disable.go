package rules

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/poollint/poollint/fixer"
	"github.com/poollint/poollint/parser"
	"github.com/poollint/poollint/rails"
)

// Inline disables (DESIGN.md "Command-line contract"):
//
//	pool: 5 # poollint:disable pool-not-tied-to-threads
//	# poollint:disable puma-threads-exceed-pool, pool-not-tied-to-threads -- why
//	threads 8, 8
//	# poollint:disable-file config-unreadable
//
// At the end of a line a directive silences the named rules' findings
// that start on that line; alone on its line it silences the next line
// that is neither blank nor a comment; disable-file silences the named
// rules in the whole file. Rules are named one by one: there is no `all`,
// so a disable never hides a finding nobody looked at. Text after " -- "
// is the reason, for humans.

const (
	directivePrefix = "poollint:"
	unusedDisableID = "unused-disable"
)

func unusedDisable() *Rule {
	return &Rule{
		ID:       unusedDisableID,
		Severity: Warning,
		Fixable:  "safe",
		Summary:  "a # poollint:disable comment silences nothing or names an unknown rule",
		// ApplyDisables reports it: only it knows what each comment
		// silenced, after every other rule has run.
		Check: func(*rails.App) []Diagnostic { return nil },
	}
}

// directive is one `# poollint:disable…` comment.
type directive struct {
	file     *parser.File
	comment  comment
	kind     string // "disable" or "disable-file"; else the misspelt word
	fileWide bool
	ownLine  bool     // alone on its line
	target   int      // the line it silences; 0 for none (file-wide, or nothing follows)
	names    []string // the rules named, as written
	// listStart and listEnd bound the rule list in the file, for the fix
	// that drops unused names.
	listStart, listEnd int
	used               map[string]bool
}

// ApplyDisables drops the diagnostics that inline directives silence and
// adds an unused-disable warning for each directive that names an unknown
// rule or silences nothing. opts are the options the diagnostics were run
// with: a rule that did not run cannot be said to have nothing to silence.
// The result is sorted like Run's.
func ApplyDisables(app *rails.App, ds []Diagnostic, opts Options) []Diagnostic {
	byFile := directivesOf(app)
	out := make([]Diagnostic, 0, len(ds))
	for _, d := range ds {
		silenced := false
		for _, dir := range byFile[d.Span.File] {
			if dir.silences(d) {
				dir.used[d.Rule] = true
				silenced = true
			}
		}
		if !silenced {
			out = append(out, d)
		}
	}
	if opts.runs(unusedDisableID) {
		for _, dirs := range byFile {
			for _, dir := range dirs {
				if w, ok := dir.warning(opts); ok {
					out = append(out, w)
				}
			}
		}
	}
	Sort(out) // also puts the warnings, found in map order, in place
	return out
}

// runs reports whether rule id runs under these options (as Run decides).
func (o Options) runs(id string) bool {
	if slices.Contains(o.Ignore, id) {
		return false
	}
	return len(o.Select) == 0 || slices.Contains(o.Select, id)
}

// directivesOf finds the directives of every file of the app, by path.
func directivesOf(app *rails.App) map[string][]*directive {
	out := map[string][]*directive{}
	for rel, f := range app.Files {
		if !bytes.Contains(f.Src, []byte(directivePrefix)) {
			continue // most files have none: skip the parse
		}
		comments, view := fileComments(f)
		commentOnly := commentOnlyLines(f, comments)
		for _, c := range comments {
			if dir := parseDirective(f, c); dir != nil {
				dir.placeOn(view, commentOnly)
				out[rel] = append(out[rel], dir)
			}
		}
	}
	return out
}

// commentOnlyLines returns the lines that hold nothing but a comment
// (every line of a multi-line =begin comment that starts one).
func commentOnlyLines(f *parser.File, comments []comment) map[int]bool {
	lines := map[int]bool{}
	for _, c := range comments {
		start := f.Lines.Pos(c.start)
		ls, _ := f.Lines.LineBounds(start.Line)
		if !isBlankBytes(f.Src[ls:c.start]) {
			continue
		}
		for l := start.Line; l <= f.Lines.Pos(c.end).Line; l++ {
			lines[l] = true
		}
	}
	return lines
}

// parseDirective reads a comment as a directive; nil when it is an
// ordinary comment. `#poollint:disable a,b`, `# poollint:disable a, b`
// and `# poollint:disable a b -- reason` all name a and b.
func parseDirective(f *parser.File, c comment) *directive {
	text := string(f.Src[c.start:c.end])
	if !strings.HasPrefix(text, "#") {
		return nil // =begin ... =end
	}
	body := strings.TrimLeft(text[1:], "# \t")
	if !strings.HasPrefix(body, directivePrefix) {
		return nil
	}
	at := c.start + len(text) - len(body) + len(directivePrefix)
	rest := body[len(directivePrefix):]
	kind, _, _ := strings.Cut(rest, " ")
	kind, _, _ = strings.Cut(kind, "\t")
	d := &directive{file: f, comment: c, kind: kind, fileWide: kind == "disable-file", used: map[string]bool{}}
	list := rest[len(kind):]
	if i := strings.Index(list, " --"); i >= 0 {
		list = list[:i]
	}
	base := at + len(kind)
	d.listStart, d.listEnd = base+len(list)-len(strings.TrimLeft(list, " \t")), base+len(strings.TrimRight(list, " \t"))
	d.names = strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	return d
}

// placeOn decides which line the directive silences. view holds the
// file's bytes as its syntax sees them (YAML with its ERB masked).
func (d *directive) placeOn(view []byte, commentOnly map[int]bool) {
	f := d.file
	line := f.Lines.Pos(d.comment.start).Line
	ls, _ := f.Lines.LineBounds(line)
	d.ownLine = isBlankBytes(f.Src[ls:d.comment.start])
	if d.fileWide {
		return
	}
	if !d.ownLine {
		d.target = line
		return
	}
	for l := line + 1; l <= f.Lines.LineCount(); l++ {
		s, e := f.Lines.LineBounds(l)
		if !commentOnly[l] && !isBlankBytes(view[s:e]) {
			d.target = l
			return
		}
	}
}

// silences reports whether the directive hides diagnostic diag.
func (d *directive) silences(diag Diagnostic) bool {
	if d.kind != "disable" && d.kind != "disable-file" {
		return false
	}
	if !d.fileWide && (d.target == 0 || diag.Span.Start.Line != d.target) {
		return false
	}
	return slices.Contains(d.names, diag.Rule)
}

// warning returns the unused-disable finding for a directive that does
// not do what it says. Its fix removes what silences nothing; there is
// none when the directive names an unknown rule, which may be a typo (or
// a reason written without " -- ") that a human has to look at.
func (d *directive) warning(opts Options) (Diagnostic, bool) {
	head := directivePrefix + d.kind
	if d.kind != "disable" && d.kind != "disable-file" {
		return d.diagnostic(fmt.Sprintf("unknown directive %q; write poollint:disable RULE or poollint:disable-file RULE", head), nil), true
	}
	var problems, unused, keep []string
	fixable := true
	if len(d.names) == 0 {
		problems = append(problems, "names no rule; write # "+head+" RULE[,RULE]")
	}
	for _, id := range d.names {
		r := ByID(id)
		switch {
		case id == "all":
			problems = append(problems, `"all" is not supported; name each rule to silence`)
			fixable = false
		case r == nil:
			msg := fmt.Sprintf("unknown rule %q", id)
			if hint := SuggestID(id); hint != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", hint)
			}
			problems = append(problems, msg)
			fixable = false
		case d.used[id] || !opts.runs(id) || (r.Check == nil && id != unusedDisableID):
			// It silenced something, or whether it would cannot be told
			// because the rule did not run.
			if !slices.Contains(keep, id) {
				keep = append(keep, id)
			}
		case !slices.Contains(unused, id):
			unused = append(unused, id)
		}
	}
	if len(unused) > 0 {
		verb := "silences"
		if len(unused) > 1 {
			verb = "silence"
		}
		problems = append(problems, fmt.Sprintf("%s %s nothing (%s)", joinAnd(unused), verb, d.where()))
	}
	if len(problems) == 0 {
		return Diagnostic{}, false
	}
	var fix *Fix
	if fixable {
		fix = d.fix(keep)
	}
	return d.diagnostic(head+": "+strings.Join(problems, "; "), fix), true
}

func (d *directive) diagnostic(msg string, fix *Fix) Diagnostic {
	return Diagnostic{
		Rule:     unusedDisableID,
		Severity: Warning,
		Span:     d.file.Span(d.comment.start, d.comment.end),
		Message:  msg,
		Fix:      fix,
	}
}

// where says what the directive looked at, for the unused message.
func (d *directive) where() string {
	switch {
	case d.fileWide:
		return "no such finding in this file"
	case d.target == 0:
		return "no line follows it"
	}
	return "no such finding starts on line " + strconv.Itoa(d.target)
}

// fix removes the directive when it keeps nothing, else rewrites its rule
// list to the names that still do something. Comments only: safe.
func (d *directive) fix(keep []string) *Fix {
	f := d.file
	if len(keep) > 0 {
		return &Fix{
			Description: "keep only " + strings.Join(keep, ", ") + " in the poollint:" + d.kind + " comment",
			Safe:        true,
			Edits:       []fixer.Edit{{File: f.Path, Start: d.listStart, End: d.listEnd, NewText: strings.Join(keep, ", ")}},
		}
	}
	line := f.Lines.Pos(d.comment.start).Line
	ls, le := f.Lines.LineBounds(line)
	start, end := d.comment.start, d.comment.end
	if d.ownLine {
		start, end = ls, le
		if le < len(f.Src) {
			end = le + 1 // the newline too: the whole line goes
		}
	} else {
		for start > ls && (f.Src[start-1] == ' ' || f.Src[start-1] == '\t') {
			start--
		}
	}
	return &Fix{
		Description: "remove the poollint:" + d.kind + " comment",
		Safe:        true,
		Edits:       []fixer.Edit{{File: f.Path, Start: start, End: end}},
	}
}

// joinAnd renders a, b and c.
func joinAnd(ids []string) string {
	if len(ids) == 1 {
		return ids[0]
	}
	return strings.Join(ids[:len(ids)-1], ", ") + " and " + ids[len(ids)-1]
}
