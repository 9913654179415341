package deploy

import (
	"sort"
	"strings"
	"testing"

	"github.com/poollint/poollint/parser"
)

// memReader serves an app's files from a map, as the rails loader would.
type memReader struct {
	files    map[string]string
	problems []string
}

func (m *memReader) reader() Reader {
	return Reader{
		Read: func(rel string) *parser.File {
			src, ok := m.files[rel]
			if !ok {
				return nil
			}
			return parser.NewFile(rel, "", []byte(src))
		},
		YAML: func(f *parser.File) *parser.YAMLDoc {
			d, err := parser.ParseYAML(f)
			if err != nil {
				m.problems = append(m.problems, err.Error())
				return nil
			}
			return d
		},
		List: func(dir, suffix string) []string {
			var out []string
			for p := range m.files {
				if dir == "." && !strings.Contains(p, "/") && strings.HasSuffix(p, suffix) {
					out = append(out, "./"+p) // as the App's listDir names them
					continue
				}
				if strings.HasPrefix(p, dir+"/") && !strings.Contains(p[len(dir)+1:], "/") && strings.HasSuffix(p, suffix) {
					out = append(out, p)
				}
			}
			sort.Strings(out)
			return out
		},
		Problem: func(span parser.Span, msg string, assumed bool) {
			m.problems = append(m.problems, span.String()+": "+msg)
		},
	}
}

func find(t *testing.T, files map[string]string, hasProcfile bool) ([]*Deployment, []string) {
	t.Helper()
	m := &memReader{files: files}
	return Find(m.reader(), hasProcfile), m.problems
}

// envOf returns the role's effective environment as NAME=value lines.
func envOf(r *Role) map[string]string {
	out := map[string]string{}
	for name, v := range r.EnvMap() {
		if v.Secret {
			out[name] = "(secret)"
		} else {
			out[name] = v.Value
		}
	}
	return out
}
