//go:build ignore

// actioncheck checks action.yml where actionlint does not look (it lints
// workflows, and of an action's metadata only what a workflow that uses it
// needs): the keys GitHub requires, the inputs issue 5 fixes, that every
// ${{ inputs.X }} names a declared input, and that run scripts take inputs
// through env (an input pasted into a script is shell injection).
//
// With -run it also executes the action's run steps here, as the runner's
// composite handler does (bash -eo pipefail, GITHUB_ACTION_PATH,
// RUNNER_TEMP, GITHUB_PATH), skipping `uses` steps: the scripts really
// build and run poollint, which a metadata check cannot show.
//
//	go run .ci/actioncheck.go action.yml
//	go run .ci/actioncheck.go -run -C APP_DIR -with sarif-file=out.sarif action.yml
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// action is the part of the metadata syntax a composite action uses;
// decoding with KnownFields rejects any other key.
type action struct {
	Name        string             `yaml:"name"`
	Author      string             `yaml:"author"`
	Description string             `yaml:"description"`
	Inputs      map[string]*input  `yaml:"inputs"`
	Outputs     map[string]*output `yaml:"outputs"`
	Runs        runs               `yaml:"runs"`
	Branding    map[string]string  `yaml:"branding"`
}

type input struct {
	Description        string  `yaml:"description"`
	Required           bool    `yaml:"required"`
	Default            *string `yaml:"default"`
	DeprecationMessage string  `yaml:"deprecationMessage"`
}

type output struct {
	Description string `yaml:"description"`
	Value       string `yaml:"value"`
}

type runs struct {
	Using string  `yaml:"using"`
	Steps []*step `yaml:"steps"`
}

type step struct {
	Name             string            `yaml:"name"`
	ID               string            `yaml:"id"`
	If               string            `yaml:"if"`
	Uses             string            `yaml:"uses"`
	Run              string            `yaml:"run"`
	Shell            string            `yaml:"shell"`
	WorkingDirectory string            `yaml:"working-directory"`
	With             map[string]string `yaml:"with"`
	Env              map[string]string `yaml:"env"`
	ContinueOnError  bool              `yaml:"continue-on-error"`
}

// wantDefaults are the inputs issue 5 asks for, with their defaults ("" for
// an optional input without one).
var wantDefaults = map[string]string{
	"path":       ".",
	"format":     "github",
	"fail-on":    "warning",
	"sarif-file": "",
	"version":    "",
}

var expr = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

func main() {
	runSteps := flag.Bool("run", false, "execute the run steps after checking")
	workdir := flag.String("C", ".", "with -run: the workspace the steps run in")
	var with withFlag
	flag.Var(&with, "with", "with -run: set input `K=V` (repeatable)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: go run .ci/actioncheck.go [-run [-C DIR] [-with K=V]...] action.yml")
		os.Exit(2)
	}
	file := flag.Arg(0)
	a, problems := check(file)
	for _, p := range problems {
		fmt.Fprintf(os.Stderr, "%s: %s\n", file, p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
	fmt.Printf("%s: %d inputs, %d steps: ok\n", file, len(a.Inputs), len(a.Runs.Steps))
	if *runSteps {
		os.Exit(execute(file, a, *workdir, with))
	}
}

// check parses the metadata and returns what is wrong with it.
func check(file string) (*action, []string) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, []string{err.Error()}
	}
	var a action
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&a); err != nil {
		return nil, []string{err.Error()}
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	if a.Name == "" {
		bad("name is required")
	}
	if a.Description == "" {
		bad("description is required")
	}
	for _, name := range slices.Sorted(maps.Keys(a.Inputs)) {
		if in := a.Inputs[name]; in == nil || in.Description == "" {
			bad("input %s has no description", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(wantDefaults)) {
		in, want := a.Inputs[name], wantDefaults[name]
		switch {
		case in == nil:
			bad("input %s is missing", name)
		case in.Required:
			bad("input %s must be optional", name)
		case want != "" && (in.Default == nil || *in.Default != want):
			bad("input %s must default to %q", name, want)
		case want == "" && in.Default != nil && *in.Default != "":
			bad("input %s must have no default", name)
		}
	}
	if a.Runs.Using != "composite" {
		bad("runs.using is %q, want composite", a.Runs.Using)
	}
	if len(a.Runs.Steps) == 0 {
		bad("runs.steps is empty")
	}
	for i, s := range a.Runs.Steps {
		where := fmt.Sprintf("step %d (%s)", i+1, s.label())
		if (s.Uses == "") == (s.Run == "") {
			bad("%s: want exactly one of uses and run", where)
		}
		if s.Run != "" && s.Shell == "" {
			bad("%s: a run step of a composite action needs shell", where)
		}
		if s.Uses != "" && s.Shell != "" {
			bad("%s: shell is only for run steps", where)
		}
		if expr.MatchString(s.Run) {
			bad("%s: the script contains ${{ }}: pass the value through env instead", where)
		}
		texts := []string{s.If, s.Uses, s.Run, s.WorkingDirectory}
		for _, m := range []map[string]string{s.With, s.Env} {
			for _, k := range slices.Sorted(maps.Keys(m)) {
				texts = append(texts, m[k])
			}
		}
		for _, t := range texts {
			for _, m := range expr.FindAllStringSubmatch(t, -1) {
				for _, name := range inputRefs(m[1]) {
					if a.Inputs[name] == nil {
						bad("%s: ${{ %s }} names no declared input %s", where, m[1], name)
					}
				}
			}
		}
	}
	return &a, problems
}

var inputRef = regexp.MustCompile(`\binputs\.([A-Za-z0-9_-]+)`)

// inputRefs returns the inputs an expression reads.
func inputRefs(e string) []string {
	var names []string
	for _, m := range inputRef.FindAllStringSubmatch(e, -1) {
		names = append(names, m[1])
	}
	return names
}

func (s *step) label() string {
	switch {
	case s.Name != "":
		return s.Name
	case s.Uses != "":
		return s.Uses
	}
	return "run"
}

// execute runs the run steps in workdir and returns the exit code of the
// first that fails, else 0.
func execute(file string, a *action, workdir string, with withFlag) int {
	actionPath, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return fail(err)
	}
	workspace, err := filepath.Abs(workdir)
	if err != nil {
		return fail(err)
	}
	temp, err := os.MkdirTemp("", "actioncheck-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(temp)
	githubPath := filepath.Join(temp, "github_path")
	if err := os.WriteFile(githubPath, nil, 0o644); err != nil {
		return fail(err)
	}

	inputs := map[string]string{}
	for name, in := range a.Inputs {
		if in.Default != nil {
			inputs[name] = *in.Default
		}
	}
	for k, v := range with {
		if a.Inputs[k] == nil {
			return fail(fmt.Errorf("-with %s: the action has no such input", k))
		}
		inputs[k] = v
	}
	// eval replaces the expressions this action uses; any other is an error
	// here rather than a silently empty string.
	eval := func(s string) (string, error) {
		var err error
		out := expr.ReplaceAllStringFunc(s, func(m string) string {
			e := expr.FindStringSubmatch(m)[1]
			switch {
			case e == "github.action_path":
				return actionPath
			case strings.HasPrefix(e, "inputs.") && a.Inputs[strings.TrimPrefix(e, "inputs.")] != nil:
				return inputs[strings.TrimPrefix(e, "inputs.")]
			}
			err = fmt.Errorf("cannot evaluate ${{ %s }} here", e)
			return m
		})
		return out, err
	}

	for i, s := range a.Runs.Steps {
		fmt.Printf("\n--- step %d: %s\n", i+1, s.label())
		if s.Uses != "" {
			// The runner would run the action; here the local Go stands in
			// for setup-go, whose version file must at least exist.
			for k, v := range s.With {
				val, err := eval(v)
				if err != nil {
					return fail(err)
				}
				if strings.HasSuffix(k, "-file") {
					if _, err := os.Stat(val); err != nil {
						return fail(fmt.Errorf("step %d: with.%s: %v", i+1, k, err))
					}
				}
			}
			fmt.Printf("(skipped: %s)\n", s.Uses)
			continue
		}
		if s.If != "" {
			return fail(fmt.Errorf("step %d: if: is not supported by this check", i+1))
		}
		script := filepath.Join(temp, fmt.Sprintf("step%d.sh", i+1))
		if err := os.WriteFile(script, []byte(s.Run), 0o644); err != nil {
			return fail(err)
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = workspace
		if s.WorkingDirectory != "" {
			cmd.Dir = filepath.Join(workspace, s.WorkingDirectory)
		}
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		env := os.Environ()
		if extra, err := os.ReadFile(githubPath); err == nil {
			// GITHUB_PATH lines go before PATH in later steps, newest first.
			dirs := strings.Fields(string(extra))
			slices.Reverse(dirs)
			if len(dirs) > 0 {
				env = append(env, "PATH="+strings.Join(dirs, string(os.PathListSeparator))+string(os.PathListSeparator)+os.Getenv("PATH"))
			}
		}
		env = append(env, "GITHUB_ACTION_PATH="+actionPath, "GITHUB_WORKSPACE="+workspace,
			"RUNNER_TEMP="+temp, "GITHUB_PATH="+githubPath, "GITHUB_ACTIONS=true", "CI=true")
		for k, v := range s.Env {
			val, err := eval(v)
			if err != nil {
				return fail(fmt.Errorf("step %d: env.%s: %v", i+1, k, err))
			}
			env = append(env, k+"="+val)
		}
		cmd.Env = env
		if err := cmd.Run(); err != nil {
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				fmt.Printf("--- step %d exited %d\n", i+1, exit.ExitCode())
				return exit.ExitCode()
			}
			return fail(err)
		}
	}
	return 0
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "actioncheck:", err)
	return 3 // not a poollint exit code
}

// withFlag collects -with K=V.
type withFlag map[string]string

func (w *withFlag) String() string { return fmt.Sprint(map[string]string(*w)) }

func (w *withFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return errors.New("want K=V")
	}
	if *w == nil {
		*w = withFlag{}
	}
	(*w)[k] = v
	return nil
}
