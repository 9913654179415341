package rails

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

// platformNotes say what the budget never counts, in the platform's words.
func (bb *budgetBuilder) platformNotes() {
	web := false
	for _, s := range bb.order {
		if s.WebTotal() > 0 {
			web = true
		}
	}
	switch bb.b.Unit {
	case "dyno":
		bb.note("", "one-off dynos (heroku run, Heroku Scheduler, the release phase) are not counted; each holds its own connections while it runs")
		if web {
			bb.note("", "Heroku preboot and Unicorn USR2 restarts briefly run the old and the new web processes side by side: the web connections double during a deploy")
		}
	case "host":
		bb.note("", "one-off containers (kamal app exec, the docker-entrypoint's db:prepare) and accessories are not counted; each holds its own connections while it runs")
		if web {
			bb.note("", "kamal deploy starts the new container of a role before it stops the old one: a host's connections for that role double during a deploy")
		}
	case "unit":
		bb.note("", "each systemd unit is counted once: a unit installed on several servers runs once on each, which the unit files do not say; oneshot units and timers are not counted")
	default:
		bb.note("", "one-off "+bb.b.Unit+"s are not counted; each holds its own connections while it runs")
	}
}
