package parser

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// addAppSeeds adds to f every file under testdata/apps whose name keep
// accepts: the fuzz targets start from the real shapes the cases hold.
func addAppSeeds(f *testing.F, keep func(name string) bool) {
	f.Helper()
	root := filepath.Join("..", "testdata", "apps")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !keep(d.Name()) {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if len(src) <= 64<<10 { // seeds stay small enough to mutate quickly
			f.Add(src)
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
}

func isYAMLName(name string) bool {
	ext := filepath.Ext(name)
	return ext == ".yml" || ext == ".yaml"
}

func isRubyName(name string) bool { return filepath.Ext(name) == ".rb" }

func isProcfileName(name string) bool { return name == "Procfile" || filepath.Ext(name) == ".procfile" }
