// Package budget prints the connection budget of a formation
// (rails.App.Budget) for `poollint budget`: a text table per database
// server, then Redis, then the notes on every assumed number; or a JSON
// document whose schema is below.
//
// # Text
//
// One budget per deployment (a Procfile, config/deploy.yml, a Kamal
// destination), since each is a whole way of running the app. One table
// per database server (process, kind, dynos — hosts for Kamal —, processes/dyno,
// threads, pool, connections), then the total, the limit and the
// headroom. A number followed by "*" is assumed (a default, or a written
// default with its variable unset) and a note below says why; "?" is a
// number poollint cannot read, whose row is then not counted, so the total
// is a lower bound ("at least").
//
// # JSON (version 1)
//
// The schema is stable: keys are never removed or renamed within a
// version, and every key is always present (null where the number is
// unknown). A new key may be added.
//
//	{
//	  "version": 1,
//	  "apps": [{
//	    "root": "myapp",                   // as the user typed the PATH
//	    "deployment": "config/deploy.yml", // "Procfile", a deployment file, "" for implied processes;
//	                                       // an app with several deployments has one entry per deployment
//	    "unit": "host",                    // what "dynos" counts there: dyno, host, container
//	    "databases": [{                    // one per database server; the primary's first
//	      "name": "DATABASE_URL",          // URL variable, host:port/database, or config name
//	      "url_var": "DATABASE_URL",       // "" when not reached through a URL variable
//	      "configs": ["production"],       // database.yml configs on this server
//	      "primary": true,
//	      "replica": false,
//	      "rows": [{
//	        "process": "web",              // Procfile name ("jobs worker 2" for a Solid Queue entry)
//	        "kind": "puma",                // puma, unicorn, sidekiq, solid_queue, good_job, other
//	        "dynos": NUMBER,
//	        "processes_per_dyno": NUMBER,
//	        "threads": NUMBER,
//	        "connections_needed": NUMBER,  // per process and config, before the pool caps it
//	        "pools": [{"config": "production", "size": 5, "unlimited": false, "default": false,
//	                   "source": "pool at config/database.yml:4", "unset": ["RAILS_MAX_THREADS"]}],
//	        "connections_per_process": 5,  // Σ min(pool, needed) over the configs; null if unknown
//	        "pgbouncer": null | {          // the PgBouncer buildpack on the Procfile line
//	          "url_var": "DATABASE_URL",
//	          "default_pool_size": NUMBER,
//	          "reserve_pool_size": NUMBER,
//	          "server_connections_per_dyno": NUMBER
//	        },
//	        "connections": 100,            // on this server; null when not counted
//	        "formula": "10 dynos × 2 processes × 5 = 100"
//	      }],
//	      "total": 100,                    // counted connections
//	      "complete": true,                // false: some row was not counted, total is a lower bound
//	      "limit": null | LIMIT,
//	      "headroom": 20,                  // limit - total; null without a limit or a complete total
//	      "exceeds": false,                // total > limit
//	      "tight": false                   // total >= 80% of the limit
//	    }],
//	    "redis": null | {                  // when a process runs Sidekiq
//	      "rows": [{"process": "worker", "kind": "sidekiq", "role": "server",   // or "client" (web)
//	                "dynos": NUMBER, "processes_per_dyno": NUMBER,
//	                "connections_per_process": NUMBER, "connections": 40}],
//	      "total": 40, "complete": true, "limit": null | LIMIT, "headroom": null
//	    },
//	    "excluded": [{"process": "release", "why": "runs once per deploy in a one-off dyno"}],
//	    "notes": [{"subject": "web", "text": "threads 5: ..."}]   // subject "" for the whole budget
//	  }]
//	}
//
// where
//
//	NUMBER = {"value": 10 | null, "assumed": false, "source": "app.json formation.web",
//	          "unset": [], "reason": ""}
//	LIMIT  = {"max_connections": 120, "source": "heroku-postgresql:standard-0 in app.json",
//	          "plan": "standard-0", "unverified": false, "declared": false}
//
// "assumed" marks a default or a guess, or a written default taken
// because the variables in "unset" are unset; "reason" says why a value is
// null; "unverified" marks a plan limit
// facts.md 9.1 flags as unconfirmed; "declared" is a limit from
// .poollint.yml or --max-connections.
package budget
