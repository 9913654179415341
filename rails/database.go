package rails

import (
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/parser"
)

// DatabaseFile is config/database.yml (or the sample it was read from).
type DatabaseFile struct {
	File   *parser.File
	Doc    *parser.YAMLDoc
	Sample bool // read from database.yml.example / .sample because database.yml is absent

	// configs memoizes Configs per env: every rule asks for each process,
	// and building a config parses the Ruby of each ERB value.
	configs map[string][]*DatabaseConfig
}

// DatabaseConfig is one named database config of one RAILS_ENV: the env
// itself in a two-level file, or primary/replica/queue/... in a
// three-level (multi-db) one.
type DatabaseConfig struct {
	Env      string
	Name     string // "primary" for a two-level file
	Primary  bool
	Replica  bool
	TwoLevel bool        // the env mapping is the config itself
	KeySpan  parser.Span // the env key (two-level) or the config's name key
	Node     *yaml.Node  // the config mapping

	Pool               *Setting
	MaxConnections     *Setting
	MinConnections     *Setting
	PreparedStatements *Setting
	AdvisoryLocks      *Setting
	URL                *Setting
	Host               *Setting
	Port               *Setting
	Database           *Setting
}

// Configs returns the database configs of a RAILS_ENV, primary first.
func (d *DatabaseFile) Configs(env string) []*DatabaseConfig {
	if d == nil || d.Doc == nil || d.Doc.Root == nil {
		return nil
	}
	if cs, ok := d.configs[env]; ok {
		return cs
	}
	cs := d.buildConfigs(env)
	if d.configs == nil {
		d.configs = map[string][]*DatabaseConfig{}
	}
	d.configs[env] = cs
	return cs
}

func (d *DatabaseFile) buildConfigs(env string) []*DatabaseConfig {
	envVal, envKey := d.Doc.Lookup(d.Doc.Root, env)
	if envVal == nil || envKey == nil {
		return nil
	}
	envVal = parser.Resolve(envVal)
	if envVal.Kind != yaml.MappingNode {
		return nil
	}
	entries := d.Doc.Entries(envVal)
	if !isMultiDB(entries) {
		c := d.config(env, "primary", envKey, envVal)
		c.Primary = true
		c.TwoLevel = true
		return []*DatabaseConfig{c}
	}
	var out []*DatabaseConfig
	for i, e := range entries {
		c := d.config(env, e.Key, e.KeyNode, parser.Resolve(e.Value))
		c.Primary = e.Key == "primary" || (i == 0 && !hasKey(entries, "primary"))
		if r := settingOf(d.Doc, c.Node, "replica"); r != nil {
			res := r.Value.EvalRaw(Env{})
			c.Replica = res.Kind == RStr && res.Str == "true"
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Primary && !out[j].Primary })
	return out
}

// isMultiDB follows Rails: an env whose every value is a mapping holds
// named configs (three-level); otherwise the env is the config itself.
func isMultiDB(entries []parser.YAMLEntry) bool {
	if len(entries) == 0 {
		return false
	}
	for _, e := range entries {
		if parser.Resolve(e.Value).Kind != yaml.MappingNode {
			return false
		}
	}
	return true
}

func hasKey(entries []parser.YAMLEntry, key string) bool {
	for _, e := range entries {
		if e.Key == key {
			return true
		}
	}
	return false
}

func (d *DatabaseFile) config(env, name string, key, m *yaml.Node) *DatabaseConfig {
	c := &DatabaseConfig{Env: env, Name: name, KeySpan: d.Doc.Span(key), Node: m}
	c.Pool = settingOf(d.Doc, m, "pool")
	c.MaxConnections = settingOf(d.Doc, m, "max_connections")
	c.MinConnections = settingOf(d.Doc, m, "min_connections")
	c.PreparedStatements = settingOf(d.Doc, m, "prepared_statements")
	c.AdvisoryLocks = settingOf(d.Doc, m, "advisory_locks")
	c.URL = settingOf(d.Doc, m, "url")
	c.Host = settingOf(d.Doc, m, "host")
	c.Port = settingOf(d.Doc, m, "port")
	c.Database = settingOf(d.Doc, m, "database")
	return c
}

// Describe names the config for messages: `production` or
// `production.queue`.
func (c *DatabaseConfig) Describe() string {
	if c.TwoLevel {
		return c.Env
	}
	return c.Env + "." + c.Name
}
