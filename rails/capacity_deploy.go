package rails

import "github.com/poollint/poollint/deploy"

// The budget is counted per deployment: a Procfile and a Kamal config are
// two ways to run the app, not two halves of one formation, so adding
// their connections would count the app twice.

// Budgets returns one budget per deployment, in the order the processes
// come: the Procfile's (or the implied processes') first, then each
// deployment file's.
func (a *App) Budgets() []Budget {
	var names []string
	groups := map[string][]*Process{}
	for _, p := range a.Processes {
		name := p.DeploymentName()
		if _, ok := groups[name]; !ok {
			names = append(names, name)
		}
		groups[name] = append(groups[name], p)
	}
	if len(names) == 0 {
		return []Budget{a.budgetOf(nil, "", "dyno")}
	}
	out := make([]Budget, 0, len(names))
	for _, name := range names {
		ps := groups[name]
		out = append(out, a.budgetOf(ps, name, ps[0].CopyUnit()))
	}
	return out
}

// deploymentPlatform is the platform the processes of one deployment run
// on; Heroku (the zero Platform) for a Procfile's or implied processes.
func deploymentPlatform(ps []*Process) deploy.Platform {
	for _, p := range ps {
		if p.Role != nil && p.Role.Deployment != nil {
			return p.Role.Deployment.Platform
		}
	}
	return 0
}

// platformNotes say what the budget never counts, in the platform's words:
// each names only the one-off commands the platform's own docs describe.
func (bb *budgetBuilder) platformNotes() {
	web := false
	for _, s := range bb.order {
		if s.WebTotal() > 0 {
			web = true
		}
	}
	switch {
	case bb.b.Unit == "dyno":
		bb.note("", "one-off dynos (heroku run, Heroku Scheduler, the release phase) are not counted; each holds its own connections while it runs")
		if web {
			bb.note("", "Heroku preboot and Unicorn USR2 restarts briefly run the old and the new web processes side by side: the web connections double during a deploy")
		}
	case bb.platform == deploy.Kamal:
		bb.note("", "one-off containers (kamal app exec, the docker-entrypoint's db:prepare) and accessories are not counted; each holds its own connections while it runs")
		if web {
			bb.note("", "kamal deploy starts the new container of a role before it stops the old one: a host's connections for that role double during a deploy")
		}
	case bb.platform == deploy.Fly:
		// fly console and fly machine run start a new Machine from the
		// app's image (fly.io/docs/flyctl/console, fly.io/docs/machines/run);
		// fly ssh console runs in a Machine already running
		// (fly.io/docs/flyctl/ssh-console). release_command is a role left
		// out by name (OncePerDeploy, deploy/fly.go).
		bb.note("", "one-off Machines (fly console, fly machine run) and commands run over fly ssh console are not counted; each holds its own connections while it runs")
	case bb.platform == deploy.Render:
		// A one-off job runs a command on the service's build, started with
		// the API (render.com/docs/one-off-jobs); the pre-deploy command runs
		// before each deploy (render.com/docs/deploys#deploy-steps).
		bb.note("", "Render one-off jobs and each deploy's pre-deploy command are not counted; each holds its own connections while it runs")
	case bb.platform == deploy.Compose:
		// docker compose run starts a new container with the service's
		// configuration (docs.docker.com/compose/reference/run); services
		// with restart: "no" are one-off tasks and not roles (deploy/compose.go).
		bb.note("", "one-off containers (docker compose run, services with restart: \"no\") are not counted; each holds its own connections while it runs")
	case bb.platform == deploy.Systemd:
		bb.note("", "each systemd unit is counted once: a unit installed on several servers runs once on each, which the unit files do not say; oneshot units and timers are not counted")
	default:
		bb.note("", "one-off "+bb.b.Unit+"s are not counted; each holds its own connections while it runs")
	}
}
