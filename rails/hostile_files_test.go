package rails

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests build the hostile trees of issue 11 themselves (FIFOs,
// devices, directory symlinks) and check that Load finishes and names the
// file. The timeout is a hang guard that fails, not a performance target.

func loadGuarded(t *testing.T, root string) *App {
	t.Helper()
	type result struct {
		app *App
		err error
	}
	done := make(chan result, 1)
	go func() {
		app, err := Load(root, Options{})
		done <- result{app, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.app
	case <-time.After(60 * time.Second):
		t.Fatal("Load blocked")
		return nil
	}
}

// problemsOf returns the messages of the problems naming file.
func problemsOf(app *App, file string) []string {
	var out []string
	for _, p := range app.Problems {
		if p.Span.File == file {
			out = append(out, p.Message)
		}
	}
	return out
}

func wantProblem(t *testing.T, app *App, file, text string) {
	t.Helper()
	msgs := problemsOf(app, file)
	if len(msgs) != 1 || !strings.Contains(msgs[0], text) {
		t.Errorf("%s: problems %q, want one containing %q (all: %+v)", file, msgs, text, app.Problems)
	}
}

func mkfifo(t *testing.T, p string) {
	t.Helper()
	must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
}

func TestFIFOsAreRefusedNotWaitedOn(t *testing.T) {
	root := writeTree(t, map[string]string{
		"Gemfile":  "gem 'rails'\n",
		"Procfile": "web: bundle exec puma -C config/puma.rb\n",
	})
	fifos := []string{"config/database.yml", "config/puma.rb", "config/initializers/sidekiq.rb", "Gemfile.lock"}
	for _, rel := range fifos {
		mkfifo(t, filepath.Join(root, rel))
	}
	app := loadGuarded(t, root)
	for _, rel := range fifos {
		wantProblem(t, app, rel, "named pipe (FIFO)")
	}
}

func TestDevicesAreRefused(t *testing.T) {
	root := writeTree(t, map[string]string{
		"Gemfile":               "gem 'rails'\n",
		"Procfile":              "web: bundle exec puma -C config/dev/zero\n",
		"config/application.rb": "",
	})
	must(t, os.Symlink("/dev", filepath.Join(root, "config", "dev")))
	app := loadGuarded(t, root)
	wantProblem(t, app, "config/dev/zero", "outside the app")

	if err := syscall.Mknod(filepath.Join(root, "config", "puma.rb"), syscall.S_IFCHR|0o644, 1<<8|5); err != nil {
		t.Log("mknod needs root; the device itself is tested through /dev/zero in safefile")
		return
	}
	app = loadGuarded(t, root)
	wantProblem(t, app, "config/puma.rb", "character device")
}

func TestDirectorySymlinksOutOfTheAppAreNotRead(t *testing.T) {
	outside := writeTree(t, map[string]string{
		"passwd":         "root:x:0:0:root:/root:/bin/bash\n",
		"sidekiq.rb":     "Sidekiq.configure_server { |c| c.concurrency = 99 }\n",
		"establish.rb":   "ActiveRecord::Base.establish_connection(ENV['X'] + '?pool=99')\n",
		"database.yml":   "production:\n  pool: 99\n",
		"production.rb":  "config.good_job.max_threads = 99\n",
		"unused.example": "",
	})
	root := writeTree(t, map[string]string{
		"Gemfile":               "gem 'rails'\n",
		"Procfile":              "web: bundle exec puma -C config/etc/passwd\n",
		"config/application.rb": "",
	})
	must(t, os.Symlink(outside, filepath.Join(root, "config", "etc")))
	must(t, os.Symlink(outside, filepath.Join(root, "config", "initializers")))
	must(t, os.Symlink("../../"+filepath.Base(outside)+"/database.yml", filepath.Join(root, "config", "database.yml")))
	app := loadGuarded(t, root)
	wantProblem(t, app, "config/etc/passwd", "outside the app")
	wantProblem(t, app, "config/initializers", "outside the app")
	wantProblem(t, app, "config/database.yml", "outside the app")
	for rel, f := range app.Files {
		if strings.Contains(string(f.Src), "99") || strings.Contains(string(f.Src), "root:x") {
			t.Errorf("%s was read from outside the app", rel)
		}
	}
	if len(app.Initializers) > 0 || app.Sidekiq != nil || app.Databases != nil {
		t.Error("a file outside the app reached the model")
	}
}

// A file that Procfile names with -C and that is also a default location
// is reported once, not once per loader that asks for it.
func TestAFileIsReportedOnce(t *testing.T) {
	root := writeTree(t, map[string]string{
		"Gemfile":  "gem 'rails'\n",
		"Procfile": "web: bundle exec puma -C config/puma.rb\nworker: bundle exec puma -C ./config/puma.rb\n",
	})
	mkfifo(t, filepath.Join(root, "config", "puma.rb"))
	wantProblem(t, loadGuarded(t, root), "config/puma.rb", "named pipe")
}

func TestDatabaseYMLBeingADirectoryIsReported(t *testing.T) {
	root := writeTree(t, map[string]string{"Gemfile": "gem 'rails'\n", "config/database.yml/x": ""})
	app := loadGuarded(t, root)
	wantProblem(t, app, "config/database.yml", "directory")
	if len(problemsOf(app, "config/database.yml.example")) > 0 {
		t.Error("a directory database.yml sent the loader to the sample")
	}
}

func TestAbsoluteAndParentPathsAreOutside(t *testing.T) {
	root := writeTree(t, map[string]string{
		"Gemfile":  "gem 'rails'\n",
		"Procfile": "web: bundle exec puma -C /etc/passwd\nw2: bundle exec puma -C ../../etc/passwd\n",
	})
	app := loadGuarded(t, root)
	wantProblem(t, app, "/etc/passwd", "outside the app")
	wantProblem(t, app, "../../etc/passwd", "outside the app")
}

func TestUnreadableDirectoriesAreReportedOnce(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads mode-000 directories")
	}
	root := writeTree(t, map[string]string{
		"Gemfile":                      "gem 'rails'\n",
		"config/database.yml":          "production:\n  pool: 5\n",
		"config/initializers/a.rb":     "",
		"app/models/deep/a.rb":         "fork { }\n",
		"config/application.rb":        "",
		"config/environments/prod.rb":  "",
		"config/initializers/other.rb": "",
	})
	must(t, os.Chmod(filepath.Join(root, "app", "models"), 0))
	must(t, os.Chmod(filepath.Join(root, "config"), 0))
	t.Cleanup(func() {
		_ = os.Chmod(filepath.Join(root, "config"), 0o755)
		_ = os.Chmod(filepath.Join(root, "app", "models"), 0o755)
	})
	app := loadGuarded(t, root)
	wantProblem(t, app, "config", "permission denied")
	wantProblem(t, app, "app/models", "permission denied")
	for _, p := range app.Problems {
		if strings.HasPrefix(p.Span.File, "config/") {
			t.Errorf("a file under the unreadable config/ is reported on its own: %+v", p)
		}
	}
}

func TestDeepTreesAreReported(t *testing.T) {
	long := strings.Repeat("n", 250)
	for name, step := range map[string]string{"levels": "d", "bytes": long} {
		t.Run(name, func(t *testing.T) {
			root := writeTree(t, map[string]string{"Gemfile": "gem 'rails'\n", "lib/x.rb": ""})
			// Made through a Root, a level at a time: the whole path is
			// over PATH_MAX.
			r, err := os.OpenRoot(root)
			must(t, err)
			defer r.Close()
			deep := "lib"
			for i := 0; i <= maxWalkDepth+1 && len(deep) <= maxWalkPath+300; i++ {
				deep += "/" + step
				must(t, r.Mkdir(deep, 0o755))
			}
			app := loadGuarded(t, root)
			found := false
			for _, p := range app.Problems {
				found = found || (strings.HasPrefix(p.Span.File, "lib/"+step+"/") && p.Assumed && strings.Contains(p.Message, "not scanned"))
			}
			if !found {
				t.Errorf("a tree too deep to scan was skipped silently: %+v", app.Problems)
			}
		})
	}
}

func TestOverlongNameIsReported(t *testing.T) {
	root := writeTree(t, map[string]string{
		"Gemfile":               "gem 'rails'\n",
		"Gemfile.lock":          budgetLock(),
		"config/application.rb": "",
		"Procfile":              "web: bundle exec puma -C config/" + strings.Repeat("x", 300) + ".rb\n",
	})
	app := loadGuarded(t, root)
	wantProblem(t, app, "config/"+strings.Repeat("x", 300)+".rb", "too long")
}

func TestUnreadableInitializersAreReported(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads mode-000 directories")
	}
	root := writeTree(t, map[string]string{
		"Gemfile":                  "gem 'rails'\n",
		"config/initializers/a.rb": "Sidekiq.configure_server { |c| c.concurrency = 5 }\n",
		"config/database.yml":      "production:\n  pool: 5\n",
	})
	dir := filepath.Join(root, "config", "initializers")
	must(t, os.Chmod(dir, 0))
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	app := loadGuarded(t, root)
	wantProblem(t, app, "config/initializers", "permission denied")
	if app.Databases == nil {
		t.Error("database.yml beside the unreadable directory was not read")
	}
}
