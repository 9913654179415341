package rails

import (
	"errors"
	"path"
	"strings"

	"github.com/poollint/poollint/parser"
)

// sampleSuffixes are appended to a config file's name by apps that ship a
// template instead of the real file (database.yml.example), in the order
// poollint prefers them when several exist.
var sampleSuffixes = []string{".example", ".sample", ".dist", ".template", ".tmpl", ".default"}

// sampleWords are the same words written inside the name
// (database.example.yml) or before it (example.database.yml).
var sampleWords = []string{"example", "sample", "dist", "template", "tmpl", "default"}

// databaseAdapterSamples are the per-adapter copies some apps ship as
// database.yml.postgresql; the deploy copies one into place.
var databaseAdapterSamples = []string{".postgresql", ".mysql", ".sqlite3"}

// defaultSampleCandidates are the candidates of the files every app is
// asked for (readWithSample's first paths), built once: read-only.
var defaultSampleCandidates = map[string][]string{
	"config/database.yml": buildSampleCandidates("config/database.yml"),
	"config/unicorn.rb":   buildSampleCandidates("config/unicorn.rb"),
	"config/sidekiq.yml":  buildSampleCandidates("config/sidekiq.yml"),
}

// sampleCandidates lists the sample names of rel, most preferred first:
// suffixes, then the same words after a dash, then the word inside the
// name, then before it, then (for database.yml) the adapter copies.
// The slice may be shared: read it only.
func sampleCandidates(rel string) []string {
	if c, ok := defaultSampleCandidates[rel]; ok {
		return c
	}
	return buildSampleCandidates(rel)
}

func buildSampleCandidates(rel string) []string {
	dir, base := path.Split(rel)
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	var out []string
	for _, s := range sampleSuffixes {
		out = append(out, rel+s)
	}
	for _, w := range sampleWords {
		// database.yml-example: a dash instead of the dot (a real app,
		// rw2_alaveteli_samples, ships database.yml-example and
		// sidekiq.yml-example).
		out = append(out, rel+"-"+w)
	}
	for _, w := range sampleWords {
		out = append(out, dir+stem+"."+w+ext)
	}
	for _, w := range sampleWords {
		out = append(out, dir+w+"."+base)
	}
	if base == "database.yml" {
		for _, s := range databaseAdapterSamples {
			out = append(out, rel+s)
		}
	}
	return out
}

// readWithSample reads rel, else the sample an app ships instead
// (DESIGN.md "Sample files"), and says which one it read. Samples that do
// not exist are not mentioned; one that exists but cannot be read is noted
// (info: the app never loads it) and the next is tried.
func (a *App) readWithSample(rel string) (*parser.File, bool) {
	if f := a.readFile(rel); f != nil || a.exists(rel) {
		return f, false
	}
	var present []string
	for _, c := range sampleCandidates(rel) {
		if a.exists(c) {
			present = append(present, c)
		}
	}
	for i, c := range present {
		f, err := a.load(c)
		if err != nil {
			if !errors.Is(err, errAbsent) && !errors.Is(err, errReported) {
				a.refuse(c, "sample not read: "+err.Error(), true)
			}
			continue
		}
		a.Files[c] = f
		msg := rel + " is absent; read the sample " + c + " instead"
		if others := present[i+1:]; len(others) > 0 {
			msg += " (first of the samples present; also there: " + strings.Join(others, ", ") + ")"
		}
		a.problem(parser.Span{File: c}, msg, true)
		return f, true
	}
	return nil, false
}

// sampleProblemsAreInfo turns what was reported about a sample file into
// information: the app never loads a sample, so its flaws cannot fail it.
func (a *App) sampleProblemsAreInfo(f *parser.File) {
	for i := range a.Problems {
		if p := &a.Problems[i]; p.Span.File == f.Path && !p.Assumed {
			p.Assumed = true
			p.Message += " (a sample: the app does not load it)"
		}
	}
}
