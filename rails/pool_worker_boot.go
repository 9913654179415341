package rails

// workerBootConfig returns the establish_connection call with a hand-built
// config that every forked worker of p runs as it boots: Puma's
// on_worker_boot / before_worker_boot (only in clustered mode, where they
// run) or the after_fork Unicorn runs (the last one registered). The
// config it passes usually changes the pool (`config['pool'] = ...`, seen
// in a real app, rw2_hackster_heroku_followers), so database.yml's pool is
// not the one those workers get; nil when there is no such call.
func (a *App) workerBootConfig(p *Process) *ARCall {
	m := a.memoOf(p)
	if m == nil {
		return a.readWorkerBootConfig(p)
	}
	if !m.bootConfigRead {
		m.bootConfig, m.bootConfigRead = a.readWorkerBootConfig(p), true
	}
	return m.bootConfig
}

func (a *App) readWorkerBootConfig(p *Process) *ARCall {
	env := a.EnvOf(p)
	var hooks []*Hook
	switch p.Kind {
	case PumaProcess:
		f := a.PumaForkOf(p)
		if f.Config == nil || !f.Workers.Known || f.Workers.Int == 0 {
			return nil
		}
		hooks = ApplyingHooks(f.Config.Hooks, env, "on_worker_boot", "before_worker_boot")
	case UnicornProcess:
		f := a.UnicornForkOf(p)
		if f.Config == nil {
			return nil
		}
		if hs := ApplyingHooks(f.Config.Hooks, env, "after_fork"); len(hs) > 0 {
			hooks = hs[len(hs)-1:]
		}
	}
	for _, h := range hooks {
		for _, c := range h.Effect().Reconnects {
			if c.WithConfig {
				c := c
				return &c
			}
		}
	}
	return nil
}
