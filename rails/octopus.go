package rails

// OctopusConfig is being written (issue 3); this placeholder keeps the build green.
type OctopusConfig struct{}

func (a *App) loadOctopus() {}
