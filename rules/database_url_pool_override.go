package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/poollint/poollint/rails"
)

func databaseURLPoolOverride() *Rule {
	return &Rule{
		ID:       "database-url-pool-override",
		Severity: Error,
		Summary:  "code sets the pool by gluing ?pool= onto DATABASE_URL",
		Check:    checkDatabaseURLPoolOverride,
	}
}

// checkDatabaseURLPoolOverride: storing the glued URL back into
// ENV['DATABASE_URL'] and reconnecting with no argument does nothing on
// Rails >= 4.1, which read DATABASE_URL once at boot (facts 10): error.
// Every other glued ?pool= is fragile: warning. No fix: the replacement
// depends on where the code runs, so the message shows it.
func checkDatabaseURLPoolOverride(app *rails.App) []Diagnostic {
	var out []Diagnostic
	for _, in := range app.Initializers {
		if in.Kind != rails.GluedPoolURL {
			continue
		}
		d := Diagnostic{Severity: Warning, Span: in.Glue}
		var b strings.Builder
		ver := app.Versions.Rails()
		switch {
		case in.EnvVar != "" && in.ConnectBare && app.Versions.RailsAtLeast("4.1.0") && !app.ActiveRecordLoadedBefore(in):
			// Rails builds its configurations when ActiveRecord::Base is
			// first loaded; if nothing loaded it yet, the changed URL is
			// read (the e2e suite saw this on Rails 6.1). It still breaks the
			// day a gem or an earlier initializer loads Active Record first.
			fmt.Fprintf(&b, "this glues ?pool=%s onto %s and stores it back in ENV['%s'], then calls establish_connection with no argument (line %d): on Rails %s the new pool applies only if nothing has loaded ActiveRecord::Base before this runs, since Rails reads %s once, when it builds its configurations (facts 10); any gem or earlier initializer that touches Active Record silently brings back the old pool, and the concatenation is fragile: %s",
				poolShown(in), in.EnvVar, in.EnvVar, in.Connect.Start.Line, railsOrNewest(ver), in.EnvVar, fragility(in))
			d.Related = append(d.Related, Related{Span: in.Connect, Message: "establish_connection with no argument resolves the configuration Rails built from " + in.EnvVar})
		case in.EnvVar != "" && in.ConnectBare && app.Versions.RailsAtLeast("4.1.0"):
			d.Severity = Error
			fmt.Fprintf(&b, "this glues ?pool=%s onto %s and stores it back in ENV['%s'], then calls establish_connection with no argument (line %d): Rails %s reads %s once, when it builds ActiveRecord::Base.configurations, and Active Record is already loaded here, so the new pool never applies (facts 10)",
				poolShown(in), in.EnvVar, in.EnvVar, in.Connect.Start.Line, railsOrNewest(ver), in.EnvVar)
			d.Related = append(d.Related, Related{Span: in.Connect, Message: "establish_connection with no argument resolves the configuration built at boot, not the changed ENV"})
		case in.EnvVar != "" && in.ConnectBare:
			fmt.Fprintf(&b, "this glues ?pool=%s onto %s and reconnects with no argument (line %d), which Rails %s re-reads, but the concatenation is fragile: %s",
				poolShown(in), in.EnvVar, in.Connect.Start.Line, ver, fragility(in))
			d.Related = append(d.Related, Related{Span: in.Connect, Message: "establish_connection with no argument re-reads " + in.EnvVar + " before Rails 4.1"})
		case in.EnvVar != "" && !in.Connect.IsZero():
			fmt.Fprintf(&b, "this glues ?pool=%s onto %s and connects with it (line %d), but the concatenation is fragile: %s",
				poolShown(in), in.EnvVar, in.Connect.Start.Line, fragility(in))
			d.Related = append(d.Related, Related{Span: in.Connect, Message: "connects with the glued URL here"})
		case in.EnvVar != "":
			fmt.Fprintf(&b, "this glues ?pool=%s onto %s and stores it back in ENV['%s']: it only takes effect if it runs before Active Record builds its configuration (facts 10), and the concatenation is fragile: %s",
				poolShown(in), in.EnvVar, in.EnvVar, fragility(in))
		default:
			fmt.Fprintf(&b, "this glues ?pool=%s onto the URL passed to establish_connection, and the concatenation is fragile: %s",
				poolShown(in), fragility(in))
		}
		fmt.Fprintf(&b, "; merge the pool into the configuration instead: %s", mergeSnippet(app, in))
		d.Message = b.String()
		if in.SidekiqServer {
			d.Message = "in Sidekiq.configure_server, " + d.Message
		}
		out = append(out, d)
	}
	return out
}

func railsOrNewest(ver string) string {
	if ver == "" {
		return "4.1+ (assumed newest)"
	}
	return ver
}

// poolShown is the pool as written after ?pool=, or "N" when it comes
// from a later operand poollint could not read.
func poolShown(in *rails.Initializer) string {
	if in.PoolText == "" {
		return "N"
	}
	if isDigits(in.PoolText) {
		return in.PoolText
	}
	return "#{" + in.PoolText + "}"
}

func isDigits(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// fragility lists why gluing breaks (RULES.md database-url-pool-override).
func fragility(in *rails.Initializer) string {
	reasons := []string{`a URL that already has a query (?sslmode=require) gets a second "?" and breaks`}
	if in.Pool != nil {
		if r := in.Pool.EvalRaw(rails.Env{}); len(r.Unset) > 0 && (r.Kind == rails.RNil || (r.Kind == rails.RStr && r.Str == "")) {
			reasons = append(reasons, "an unset "+strings.Join(r.Unset, "/")+` yields "pool=" and so the default 5`)
		}
	}
	reasons = append(reasons, "the PgBouncer buildpack drops a URL's query when it rewrites DATABASE_URL (facts 8.4)")
	return strings.Join(reasons[:len(reasons)-1], ", ") + ", and " + reasons[len(reasons)-1]
}

// mergeSnippet is the replacement for the locked Rails: the config the
// process is really connected with, with the pool merged in.
func mergeSnippet(app *rails.App, in *rails.Initializer) string {
	n := in.PoolText
	if n == "" {
		n = "N"
	}
	key := "pool"
	if app.Versions.RailsAtLeast("8.1.0") && app.Databases != nil {
		for _, db := range app.Databases.Configs(app.RailsEnv) {
			if db.Primary && db.MaxConnections != nil {
				key = "max_connections" // 8.1 prefers it over pool (facts 1.2)
			}
		}
	}
	switch {
	case !app.Versions.RailsAtLeast("4.1.0"):
		// configurations holds database.yml, which Rails < 4.1 does not use
		// when DATABASE_URL is set; connection_config is what it connected with.
		return fmt.Sprintf("`ActiveRecord::Base.establish_connection(ActiveRecord::Base.connection_config.merge(%s: %s))`", key, n)
	case !app.Versions.RailsAtLeast("6.1.0"):
		return fmt.Sprintf("`ActiveRecord::Base.establish_connection(ActiveRecord::Base.configurations[Rails.env].merge(%q => %s))`", key, n)
	}
	return fmt.Sprintf("`ActiveRecord::Base.establish_connection(ActiveRecord::Base.configurations.configs_for(env_name: Rails.env, name: \"primary\").configuration_hash.merge(%s: %s))`", key, n)
}
