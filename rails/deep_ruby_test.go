package rails

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Hostile nesting in a puma.rb (issue 11): every input is generated here.
// The tests assert what is read; the benchmarks show the cost growing
// linearly with the nesting (compare ns/op across the sizes).

func deepPumaFiles(puma string) map[string]string {
	return map[string]string{
		"Gemfile":             "gem 'rails'\n",
		"Gemfile.lock":        lockfile("activerecord", "7.1.3", "puma", "6.4.2", "rails", "7.1.3"),
		"Procfile":            "web: bundle exec puma -C config/puma.rb\n",
		"config/database.yml": "production:\n  adapter: postgresql\n  pool: 5\n",
		"config/puma.rb":      puma,
	}
}

// `threads 5, 16 if a if a ...`: one call under n modifiers.
func modifierChain(n int) string {
	return "threads 5, 16" + strings.Repeat(" if a", n) + "\n"
}

// `x = a ? a ? ... 16 : 6 : 6`, then `threads x, x`: n conditions each
// resolving the local `a` (every condition used to re-walk the tree for
// the file's assignments).
func ternaryChain(n int) string {
	return "a = ENV[\"A\"]\nx = " + strings.Repeat("a ? ", n) + "16" + strings.Repeat(" : 6", n) + "\nthreads x, x\n"
}

// `begin` nested n deep around the threads call.
func beginNest(n int) string {
	return strings.Repeat("begin\n", n) + "threads 5, 16\n" + strings.Repeat("end\n", n)
}

func pumaThreadsOf(t testing.TB, app *App) Threads {
	t.Helper()
	for _, p := range app.Processes {
		if p.Kind == PumaProcess {
			return app.PumaThreads(p)
		}
	}
	t.Fatal("no puma process")
	return Threads{}
}

func TestDeepModifierChain(t *testing.T) {
	app := loadGuarded(t, writeTree(t, deepPumaFiles(modifierChain(4000))))
	// `a` is unknown, so the conditions count as true: the setting is
	// written to be used.
	if th := pumaThreadsOf(t, app); !th.Known || th.Max != 16 {
		t.Errorf("threads known %v, max %d (%s), want 16", th.Known, th.Max, th.Reason)
	}
	if len(app.Problems) != 0 {
		t.Errorf("problems: %+v", app.Problems)
	}
}

func TestDeepTernaryChain(t *testing.T) {
	// With A unset the chain is nil at once: 6. With A set, the value of
	// the true branch lies 2,000 levels down, past the value depth limit:
	// unknown, saying why.
	for _, c := range []struct {
		env  map[string]string
		want int // 0: unknown, nested too deeply
	}{{nil, 6}, {map[string]string{"A": "1"}, 0}} {
		root := writeTree(t, deepPumaFiles(ternaryChain(2000)))
		app, err := Load(root, Options{Env: c.env})
		if err != nil {
			t.Fatal(err)
		}
		th := pumaThreadsOf(t, app)
		if c.want == 0 && (th.Known || !strings.Contains(th.Reason, "nested too deeply")) ||
			c.want != 0 && (!th.Known || th.Max != c.want) {
			t.Errorf("env %v: threads known %v, max %d (%s), want %d", c.env, th.Known, th.Max, th.Reason, c.want)
		}
	}
}

func TestDeepBeginNesting(t *testing.T) {
	for _, n := range []int{10000, 20000} {
		app := loadGuarded(t, writeTree(t, deepPumaFiles(beginNest(n))))
		msgs := problemsOf(app, "config/puma.rb")
		if len(msgs) != 1 || !strings.Contains(msgs[0], fmt.Sprintf("nests more than %d levels", 5000)) {
			t.Errorf("begin x%d: problems %q, want one saying the file nests too deeply", n, msgs)
		}
		if len(app.Problems) != 1 || !app.Problems[0].Assumed {
			t.Errorf("begin x%d: want one info problem (poollint's limit), got %+v", n, app.Problems)
		}
	}
	// Nesting a config file could really have is read.
	app := loadGuarded(t, writeTree(t, deepPumaFiles(beginNest(50))))
	if th := pumaThreadsOf(t, app); !th.Known || th.Max != 16 {
		t.Errorf("begin x50: threads = %+v, want 16", th)
	}
}

func benchDeep(b *testing.B, gen func(int) string, sizes ...int) {
	for _, n := range sizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			root := writeTreeB(b, deepPumaFiles(gen(n)))
			b.ResetTimer()
			for range b.N {
				app, err := Load(root, Options{})
				if err != nil {
					b.Fatal(err)
				}
				pumaThreadsOf(b, app)
			}
		})
	}
}

func BenchmarkDeepModifierChain(b *testing.B) { benchDeep(b, modifierChain, 1000, 2000, 4000) }
func BenchmarkDeepTernaryChain(b *testing.B)  { benchDeep(b, ternaryChain, 500, 1000, 2000) }
func BenchmarkDeepBeginNesting(b *testing.B)  { benchDeep(b, beginNest, 2500, 5000, 10000, 20000) }

// writeTreeB is writeTree for a benchmark.
func writeTreeB(b *testing.B, files map[string]string) string {
	b.Helper()
	root := b.TempDir()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return root
}
