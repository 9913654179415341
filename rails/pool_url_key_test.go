package rails

import (
	"strings"
	"testing"
)

// TestURLKeyPool: database.yml's own url: key wins over its pool key on
// Rails 4.1+ (facts section 10). A literal URL's ?pool= is the pool; a URL
// read from a configuration object poollint cannot evaluate
// (department-of-veterans-affairs/vets-api: `url: <%= Settings.database_url %>`)
// leaves the pool unknown; a URL derived from the environment follows the
// DATABASE_URL convention (no ?pool= assumed).
func TestURLKeyPool(t *testing.T) {
	tests := []struct {
		url    string
		known  bool
		size   int
		reason string
	}{
		{url: "postgres://db/app?pool=20", known: true, size: 20},
		{url: "postgres://db/app", known: true, size: 7},
		{url: "<%= Settings.database_url %>", reason: "cannot evaluate"},
		{url: "<%= Rails.application.credentials.dig(:database, :url) %>", reason: "cannot evaluate"},
		{url: `<%= ENV["DATABASE_URL"] %>`, known: true, size: 7},
		{url: `<%= ENV["DATABASE_URL"].sub(/^postgres/, "postgis") %>`, known: true, size: 7},
		{url: "<%= queue_database_url %>", known: true, size: 7},
	}
	for _, tt := range tests {
		app := loadTree(t, map[string]string{
			"Gemfile.lock":        lockfile("activerecord", "7.1.3", "puma", "6.4.2", "rails", "7.1.3"),
			"config/database.yml": "production:\n  adapter: postgresql\n  pool: 7\n  url: " + tt.url + "\n",
		})
		p := app.ProcessesOf(PumaProcess)[0]
		pool := app.PoolOf(app.Databases.Configs("production")[0], p)
		if pool.Known != tt.known || (tt.known && pool.Size != tt.size) || !strings.Contains(pool.Reason, tt.reason) {
			t.Errorf("url %s: pool %+v, want known=%v size=%d reason ~%q", tt.url, pool, tt.known, tt.size, tt.reason)
		}
	}
}
