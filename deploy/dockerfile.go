package deploy

import (
	"bytes"
	"encoding/json"
	"path"
	"strings"

	"github.com/poollint/poollint/parser"
)

// The Dockerfile is the image every container runs: its final stage's ENV
// (inherited from the stages it is built FROM) is the bottom of every
// container's environment, and its CMD (behind a pass-through ENTRYPOINT
// such as Rails' bin/docker-entrypoint) is what a container runs when
// nothing overrides it: `./bin/thrust ./bin/rails server` in Rails 8.

// image is what the Dockerfile's final stage says.
type image struct {
	file    *parser.File
	env     []Var
	Command *parser.ProcfileEntry // the command a container runs by default
	// script is the exec-form ENTRYPOINT when it is a shell script of the
	// app: a command that overrides CMD (Kamal cmd:, Compose command:)
	// still runs through it.
	script *parser.ProcfileEntry
}

// run is what a container runs when cmd overrides the image's CMD: cmd,
// behind the image's script ENTRYPOINT if it has one.
func (img *image) run(cmd *parser.ProcfileEntry) *parser.ProcfileEntry {
	if img == nil || img.script == nil || cmd == nil || cmd.ParseError != "" {
		return cmd
	}
	words := append(append(append([]parser.Word(nil), img.script.Argv...), cmd.Wrappers...), cmd.Argv...)
	e := parser.ParseWords(parser.NewFile(cmd.Span.File, "", nil), cmd.Name, words, cmd.Span)
	e.Env = append(append([]parser.Assign(nil), cmd.Env...), e.Env...)
	e.Raw = cmd.Raw
	return &e
}

// stage is one FROM … section.
type stage struct {
	name       string
	env        []Var
	cmd        *parser.ProcfileEntry
	entrypoint *parser.ProcfileEntry
	execEntry  []string // the exec-form ENTRYPOINT's arguments
}

// instruction is one Dockerfile instruction with its argument's bytes.
type instruction struct {
	keyword    string // upper-cased: "ENV", "CMD"
	start, end int    // the argument, continuation lines included
	line       int
}

func readDockerfile(r Reader) *image { return readDockerfileAt(r, "Dockerfile") }

// readDockerfileAt reads the Dockerfile at an app-relative path (Compose's
// build.dockerfile names others).
func readDockerfileAt(r Reader, rel string) *image {
	f := r.Read(rel)
	if f == nil {
		return nil
	}
	stages := map[string]*stage{}
	var cur *stage
	for _, in := range dockerInstructions(f) {
		arg := string(f.Src[in.start:in.end])
		switch in.keyword {
		case "FROM":
			cur = fromStage(stages, arg)
		case "ENV":
			if cur != nil {
				cur.env = append(cur.env, dockerEnv(f, in)...)
			}
		case "CMD":
			if cur != nil {
				cur.cmd = dockerCommand(f, in, "web")
			}
		case "ENTRYPOINT":
			if cur != nil {
				cur.entrypoint = dockerCommand(f, in, "web")
				cur.execEntry = execArgs(arg)
			}
		}
	}
	if cur == nil {
		return nil
	}
	img := &image{file: f, env: cur.env, Command: effectiveCommand(r, f, cur)}
	if len(cur.execEntry) > 0 && cur.entrypoint != nil {
		if _, ok := scriptFile(r, cur.execEntry[0]); ok {
			img.script = cur.entrypoint
		}
	}
	return img
}

// fromStage starts a stage: `FROM base AS app` inherits base's ENV, CMD
// and ENTRYPOINT when base is an earlier stage.
func fromStage(stages map[string]*stage, arg string) *stage {
	fields := strings.Fields(arg)
	var words []string
	for _, w := range fields {
		if !strings.HasPrefix(w, "--") {
			words = append(words, w)
		}
	}
	s := &stage{}
	if len(words) > 0 {
		if parent, ok := stages[strings.ToLower(words[0])]; ok {
			s.env = append([]Var(nil), parent.env...)
			s.cmd, s.entrypoint, s.execEntry = parent.cmd, parent.entrypoint, parent.execEntry
		}
	}
	if len(words) >= 3 && strings.EqualFold(words[1], "as") {
		s.name = strings.ToLower(words[2])
		stages[s.name] = s
	}
	return s
}

// passThroughEntrypoints run their arguments after preparing the
// container: Rails' bin/docker-entrypoint (db:prepare, jemalloc) ends in
// `exec "${@}"`; tini and dumb-init are init processes.
var passThroughEntrypoints = map[string]bool{
	"docker-entrypoint": true, "docker-entrypoint.sh": true, "entrypoint.sh": true,
	"tini": true, "dumb-init": true, "--": true,
}

// effectiveCommand is what a container of the stage runs by default. An
// ENTRYPOINT that is a shell script of the app is joined with CMD, so that
// the script is followed with CMD as its "$@" (deploy.Follow): it may pass
// CMD through (Rails' bin/docker-entrypoint) or choose the server by it
// (`case "$1" in web) exec puma`).
func effectiveCommand(r Reader, f *parser.File, s *stage) *parser.ProcfileEntry {
	if s.entrypoint == nil {
		return s.cmd
	}
	if s.execEntry == nil {
		return s.entrypoint // shell-form ENTRYPOINT ignores CMD
	}
	passes := true
	if len(s.execEntry) > 0 {
		if _, script := scriptFile(r, s.execEntry[0]); script {
			passes = false
		}
	}
	for _, a := range s.execEntry {
		if !passThroughEntrypoints[path.Base(a)] && !strings.HasPrefix(a, "-") {
			passes = false
		}
	}
	if passes {
		return s.cmd
	}
	if s.cmd == nil {
		return s.entrypoint
	}
	// ENTRYPOINT ["bundle", "exec"] + CMD ["puma"]: the arguments join.
	args := append([]string{}, s.execEntry...)
	spans := make([]parser.Span, len(s.execEntry))
	for i := range spans {
		spans[i] = s.entrypoint.Span
	}
	for _, w := range s.cmd.AllCommands {
		for _, x := range w {
			lit, _ := x.Literal()
			args = append(args, lit)
			spans = append(spans, x.Span)
		}
	}
	e := parser.ParseExecForm(f, "web", args, spans, s.cmd.Span)
	return &e
}

// ExecCommand reads a command that a YAML file or JSON array gives as a
// list of arguments.
func dockerCommand(f *parser.File, in instruction, name string) *parser.ProcfileEntry {
	arg := f.Src[in.start:in.end]
	if args, spans, ok := jsonArgs(f, in.start, in.end); ok {
		whole := f.Span(in.start, in.end)
		e := parser.ParseExecForm(f, name, args, spans, whole)
		return &e
	}
	if len(bytes.TrimSpace(arg)) == 0 {
		return nil
	}
	e := parser.ParseCommand(f, name, in.start, in.end)
	return &e
}

func execArgs(arg string) []string {
	var args []string
	if json.Unmarshal([]byte(strings.TrimSpace(arg)), &args) != nil {
		return nil
	}
	return args
}

// jsonArgs reads the exec form `["a", "b"]` with the span of each string.
func jsonArgs(f *parser.File, start, end int) ([]string, []parser.Span, bool) {
	src := f.Src[start:end]
	trimmed := bytes.TrimSpace(src)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return nil, nil, false
	}
	var args []string
	if json.Unmarshal(trimmed, &args) != nil {
		return nil, nil, false
	}
	lead := bytes.Index(src, trimmed)
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	var spans []parser.Span
	if _, err := dec.Token(); err != nil { // [
		return nil, nil, false
	}
	for dec.More() {
		from := int(dec.InputOffset())
		for from < len(trimmed) && strings.IndexByte(" \t\r\n,\\", trimmed[from]) >= 0 {
			from++
		}
		if _, err := dec.Token(); err != nil {
			return nil, nil, false
		}
		to := int(dec.InputOffset())
		spans = append(spans, f.Span(start+lead+from, start+lead+to))
	}
	return args, spans, true
}

// dockerEnv reads `ENV A=1 B="two"` (the shell's assignment syntax) and
// the legacy `ENV A 1` (the rest of the line is the value).
func dockerEnv(f *parser.File, in instruction) []Var {
	arg := string(f.Src[in.start:in.end])
	first := strings.Fields(arg)
	if len(first) == 0 {
		return nil
	}
	source := "ENV in " + f.Path
	if !strings.Contains(first[0], "=") {
		name := first[0]
		at := in.start + strings.Index(arg, name)
		valStart := at + len(name)
		for valStart < in.end && (f.Src[valStart] == ' ' || f.Src[valStart] == '\t') {
			valStart++
		}
		value := strings.TrimSpace(string(f.Src[valStart:in.end]))
		return []Var{{Name: name, Value: value, Span: f.Span(valStart, in.end), KeySpan: f.Span(at, at+len(name)), Source: source, Fixable: true}}
	}
	e := parser.ParseCommand(f, "", in.start, in.end)
	var out []Var
	for _, as := range e.Env {
		value, ok := as.Value.Literal()
		if !ok {
			// ENV PATH=/usr/local/node/bin:$PATH: a build-time expansion
			// poollint does not follow; the variable is not one it reads.
			continue
		}
		keyEnd := as.Span.Start.Offset + len(as.Name)
		out = append(out, Var{Name: as.Name, Value: value, Span: as.Value.Span, KeySpan: f.Span(as.Span.Start.Offset, keyEnd),
			Source: source, Fixable: as.Value.Raw == value})
	}
	return out
}

// dockerInstructions splits the file into instructions: a keyword at the
// start of a line, its argument running on over lines that end in a
// backslash. Comment lines are skipped.
func dockerInstructions(f *parser.File) []instruction {
	var out []instruction
	n := f.Lines.LineCount()
	for line := 1; line <= n; line++ {
		start, end := f.Lines.LineBounds(line)
		text := string(f.Src[start:end])
		trimmed := strings.TrimLeft(text, " \t")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		kw := trimmed
		if i := strings.IndexAny(trimmed, " \t"); i >= 0 {
			kw = trimmed[:i]
		}
		argStart := start + (len(text) - len(trimmed)) + len(kw)
		for argStart < end && (f.Src[argStart] == ' ' || f.Src[argStart] == '\t') {
			argStart++
		}
		first := line
		argEnd := trimRight(f.Src, argStart, end)
		for argEnd > argStart && f.Src[argEnd-1] == '\\' && line < n {
			line++
			_, end = f.Lines.LineBounds(line)
			argEnd = trimRight(f.Src, argStart, end)
		}
		out = append(out, instruction{keyword: strings.ToUpper(kw), start: argStart, end: argEnd, line: first})
	}
	return out
}

func trimRight(src []byte, start, end int) int {
	for end > start && (src[end-1] == ' ' || src[end-1] == '\t' || src[end-1] == '\r' || src[end-1] == '\n') {
		end--
	}
	return end
}

// deployment is the Dockerfile run on its own: one container of its CMD.
func (img *image) deployment() *Deployment {
	d := &Deployment{Name: img.file.Path, Platform: Docker, Files: []string{img.file.Path}}
	d.Roles = []*Role{{
		Name:          "web",
		Deployment:    d,
		Span:          img.Command.Span,
		Command:       img.Command,
		CommandSource: "CMD in " + img.file.Path,
		Env:           append([]Var(nil), img.env...),
		Copies:        Copies{N: 1, Unit: Docker.Unit(), Assumed: true, Source: "a Dockerfile says nothing of how many containers run: assuming 1"},
	}}
	return d
}
