package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// robustnessRoundsPerCase is how many mutated copies of each case the
// sweep lints (at least 200 rounds in all): round i mutates the
// (i mod N)-th case, so every case is mutated.
const robustnessRoundsPerCase = 10

// robustnessBudget bounds the sweep: on a slow machine it stops early
// (and says so) rather than time out the suite.
const robustnessBudget = 15 * time.Second

// TestRobustnessMutatedApps lints broken variants of every case of
// testdata/apps: files truncated at a random offset, random bytes (NUL,
// ERB and YAML punctuation, invalid UTF-8) inserted, two lines swapped.
// Whatever the files say, run() must not panic, must exit 0, 1 or 2, must
// print a JSON report, and every message must name a file: each
// diagnostic has a file, and each line on stderr names the app or one of
// its files. Every fourth round runs --diff, which also drives the fixer
// over the broken files. The seed is fixed, so a failure reproduces.
func TestRobustnessMutatedApps(t *testing.T) {
	if testing.Short() {
		t.Skip("the mutation sweep is not short")
	}
	names := fixCaseNames(t)
	sort.Strings(names)
	rng := rand.New(rand.NewPCG(20240601, 7))

	// One copy of each case, mutated in place and restored after each round.
	copies := make([]string, len(names))
	files := make([][]string, len(names))
	for i, name := range names {
		copies[i] = copyCase(t, name)
		err := filepath.WalkDir(copies[i], func(p string, d fs.DirEntry, err error) error {
			// The Gemfile only marks the app root: breaking it tests nothing.
			if err == nil && d.Type().IsRegular() && d.Name() != "Gemfile" {
				files[i] = append(files[i], p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(files[i])
	}

	total := max(200, robustnessRoundsPerCase*len(names))
	start := time.Now()
	rounds := 0
	for ; rounds < total; rounds++ {
		if time.Since(start) > robustnessBudget {
			t.Logf("stopped after %d of %d rounds: the %v budget is spent", rounds, total, robustnessBudget)
			break
		}
		i := rounds % len(names)
		if len(files[i]) == 0 {
			continue
		}
		saved := map[string][]byte{}
		var did []string
		for n := 1 + rng.IntN(3); n > 0; n-- {
			path := files[i][rng.IntN(len(files[i]))]
			if _, ok := saved[path]; !ok {
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				saved[path] = b
			}
			b, _ := os.ReadFile(path)
			mutated, what := mutate(rng, b)
			if err := os.WriteFile(path, mutated, 0o644); err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(copies[i], path)
			did = append(did, rel+": "+what)
		}
		args := []string{"--format", "json", "--no-color", copies[i]}
		if rounds%4 == 3 {
			args = []string{"--diff", "--no-color", copies[i]}
		}
		checkMutatedRun(t, names[i], copies[i], args, did)
		for path, b := range saved {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if rounds < len(names) {
		t.Errorf("only %d rounds ran: not every case was mutated", rounds)
	}
	t.Logf("%d mutated runs over %d cases in %v", rounds, len(names), time.Since(start).Round(time.Millisecond))
}

// checkMutatedRun runs the command once on a mutated copy and checks what
// DESIGN.md promises whatever the input.
func checkMutatedRun(t *testing.T, name, dir string, args, did []string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code, panicked := runRecovering(args, &stdout, &stderr)
	where := fmt.Sprintf("%s %v after %s", name, args[:len(args)-1], strings.Join(did, "; "))
	if panicked != nil {
		t.Fatalf("%s: run panicked: %v", where, panicked)
	}
	if code != exitClean && code != exitFindings && code != exitTrouble {
		t.Errorf("%s: exit code %d", where, code)
	}
	for line := range strings.Lines(stderr.String()) {
		line = strings.TrimSpace(line)
		// The --diff summary ("would fix 1 problem in 1 file, 0 remain")
		// is not an error message.
		if line == "" || strings.HasPrefix(line, "would fix") || strings.HasPrefix(line, "fixed ") || strings.HasPrefix(line, "nothing to fix") {
			continue
		}
		if !strings.Contains(line, dir) {
			t.Errorf("%s: stderr line does not name the app or a file: %q", where, line)
		}
	}
	if args[0] != "--format" {
		return
	}
	var doc struct {
		Diagnostics []struct {
			Rule, File, Message string
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		if code == exitTrouble && stdout.Len() == 0 {
			return // the app could not be read at all; stderr said so
		}
		t.Errorf("%s: the JSON report does not parse: %v\n%s", where, err, stdout.String())
		return
	}
	for _, d := range doc.Diagnostics {
		if d.File == "" || !strings.HasPrefix(d.File, dir) {
			t.Errorf("%s: a %s diagnostic names no file of the app (%q): %s", where, d.Rule, d.File, d.Message)
		}
	}
}

// runRecovering is run() with a panic caught and returned.
func runRecovering(args []string, stdout, stderr *bytes.Buffer) (code int, panicked any) {
	defer func() {
		if r := recover(); r != nil {
			panicked = r
		}
	}()
	return run(args, stdout, stderr), nil
}

// noise is what mutate inserts: bytes that matter to the parsers.
var noise = [][]byte{
	{0}, {0xff, 0xfe}, {0xc3}, []byte("<%"), []byte("%>"), []byte("<%= ENV['X'] %>"), []byte(":"), []byte(": "),
	[]byte("\n"), []byte("\r\n"), []byte("\t"), []byte("&a"), []byte("*a"), []byte("<<: *"), []byte("{"), []byte("["),
	[]byte("\""), []byte("'"), []byte("#"), []byte("do\n"), []byte("end\n"), []byte("${"), []byte("\\"), []byte("- "),
}

// mutate returns b broken in one of three ways, and what it did.
func mutate(rng *rand.Rand, b []byte) ([]byte, string) {
	switch rng.IntN(3) {
	case 0:
		at := 0
		if len(b) > 0 {
			at = rng.IntN(len(b) + 1)
		}
		return b[:at:at], fmt.Sprintf("truncated at %d", at)
	case 1:
		at := rng.IntN(len(b) + 1)
		var ins []byte
		for n := 1 + rng.IntN(4); n > 0; n-- {
			if rng.IntN(3) == 0 {
				ins = append(ins, byte(rng.IntN(256)))
			} else {
				ins = append(ins, noise[rng.IntN(len(noise))]...)
			}
		}
		out := append(append(append([]byte(nil), b[:at]...), ins...), b[at:]...)
		return out, fmt.Sprintf("inserted %q at %d", ins, at)
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	if len(lines) < 2 {
		return append([]byte(nil), b...), "nothing to swap"
	}
	x, y := rng.IntN(len(lines)), rng.IntN(len(lines))
	lines[x], lines[y] = lines[y], lines[x]
	return bytes.Join(lines, nil), fmt.Sprintf("swapped lines %d and %d", x+1, y+1)
}
