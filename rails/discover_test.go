package rails

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// appsTree is a monorepo: two apps (one marked by Gemfile, one by
// config/application.rb only) and a service that is no Rails app.
func appsTree(t *testing.T) string {
	t.Helper()
	files := map[string]string{}
	for _, f := range []string{
		"apps/shop/Gemfile", "apps/shop/Gemfile.lock", "apps/shop/Procfile",
		"apps/shop/config/database.yml", "apps/shop/config/initializers/sidekiq.rb",
		"apps/admin/config/application.rb", "apps/admin/config/puma/production.rb",
		"node/Procfile", "node/app.json", "README.md",
	} {
		files[f] = ""
	}
	return writeTree(t, files) // fork_sites_test.go
}

func TestAppRootOf(t *testing.T) {
	dir := appsTree(t)
	shop, admin := filepath.Join(dir, "apps", "shop"), filepath.Join(dir, "apps", "admin")
	tests := []struct {
		file   string
		want   string
		wantOK bool
	}{
		{file: "apps/shop/config/database.yml", want: shop, wantOK: true},
		{file: "apps/shop/Gemfile.lock", want: shop, wantOK: true},
		{file: "apps/shop/Procfile", want: shop, wantOK: true},
		{file: "apps/shop/config/initializers/sidekiq.rb", want: shop, wantOK: true},
		{file: "apps/admin/config/puma/production.rb", want: admin, wantOK: true},
		{file: "apps/shop/config/not-there-yet.yml", want: shop, wantOK: true}, // the file need not exist
		{file: "node/Procfile"},
		{file: "README.md"},
	}
	for _, tt := range tests {
		got, ok := AppRootOf(filepath.Join(dir, filepath.FromSlash(tt.file)))
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("AppRootOf(%s) = %q, %v; want %q, %v", tt.file, got, ok, tt.want, tt.wantOK)
		}
	}
}

// A relative file gives a relative root, also when the root is above the
// working directory: reports then name files the way pre-commit passed them.
func TestAppRootOfRelative(t *testing.T) {
	dir := appsTree(t)
	tests := []struct {
		cwd, file, want string
	}{
		{cwd: "apps/shop", file: "config/database.yml", want: "."},
		{cwd: "apps/shop", file: "Gemfile.lock", want: "."},
		{cwd: "apps/shop", file: "./Procfile", want: "."},
		{cwd: ".", file: "apps/shop/config/database.yml", want: "apps/shop"},
		{cwd: "apps/shop/config/initializers", file: "sidekiq.rb", want: "../.."},
		{cwd: "apps/shop/config/initializers", file: "../database.yml", want: "../.."},
		{cwd: "apps/shop/config", file: "../../admin/config/application.rb", want: "../../admin"},
	}
	for _, tt := range tests {
		t.Run(tt.cwd+" "+tt.file, func(t *testing.T) {
			t.Chdir(filepath.Join(dir, filepath.FromSlash(tt.cwd)))
			got, ok := AppRootOf(filepath.FromSlash(tt.file))
			if want := filepath.FromSlash(tt.want); got != want || !ok {
				t.Errorf("AppRootOf(%s) = %q, %v; want %q, true", tt.file, got, ok, want)
			}
		})
	}
}

func TestDiscoverFile(t *testing.T) {
	dir := appsTree(t)
	t.Chdir(dir)

	roots, err := Discover(filepath.FromSlash("apps/shop/config/database.yml"))
	if want := []string{filepath.FromSlash("apps/shop")}; err != nil || !slices.Equal(roots, want) {
		t.Errorf("Discover(file) = %q, %v; want %q", roots, err, want)
	}
	if roots, err := Discover(filepath.FromSlash("node/Procfile")); !errors.Is(err, ErrNotInApp) || roots != nil {
		t.Errorf("Discover(file outside any app) = %q, %v; want ErrNotInApp", roots, err)
	}
	if _, err := Discover("no-such-file.yml"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Discover(missing) error = %v, want not-exist", err)
	}
	// Directories are still walked for every app under them.
	roots, err = Discover(".")
	if want := []string{filepath.FromSlash("apps/admin"), filepath.FromSlash("apps/shop")}; err != nil || !slices.Equal(roots, want) {
		t.Errorf("Discover(.) = %q, %v; want %q", roots, err, want)
	}
}

// DiscoverEach hands roots on in the order sorting all of them gives,
// though it walks: names that sort around "/" ("a-b", "a.b" before "a/",
// "a0" after it), roots next to directories holding roots, and depth.
func TestDiscoverEachFindsRootsInSortedOrder(t *testing.T) {
	files := map[string]string{}
	for _, app := range []string{
		"a/x", "a/x-y", "a/x/z" /* nested under an app: not found */, "a-b", "a.b/q", "a0",
		"a/b c", "a/b/c", "a/b-c", "a/b/c-d/e", "A", "z/y/x/w", "z/y-", "z/y0/k",
		"m", "m-n/o", "m.n", "vendor/gems/skipped", "b/node_modules/skipped",
	} {
		files[app+"/Gemfile"] = ""
		files[app+"/config/database.yml"] = ""
	}
	files["a/b/README"] = ""
	dir := writeTree(t, files)
	var got []string
	if err := DiscoverEach(dir, func(root string) { got = append(got, root) }); err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("roots in walk order\n%q\nwant sorted\n%q", got, want)
	}
	if len(got) != 16 {
		t.Errorf("found %d roots, want 16: %q", len(got), got)
	}
	for _, r := range got {
		if rel, _ := filepath.Rel(dir, r); rel == filepath.FromSlash("a/x/z") || filepath.Base(r) == "skipped" {
			t.Errorf("found %s, which is nested in an app or in a skipped directory", rel)
		}
	}
}
