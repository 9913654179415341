package rails

// NoActiveRecordDatabase reports whether the app gives Active Record no
// database to connect to while another ORM does the app's work: Mongoid
// is locked, config/database.yml (or the sample read in its place) is
// absent or holds nothing but comments, and no process has DATABASE_URL
// set. Active Record then never opens a connection in the master, so there
// is nothing a fork could share (a real app, rw2_giji_mongoid_unicorn:
// Mongoid 4 and Unicorn's preload_app with hooks that do not touch Active
// Record). The rails gem locks activerecord either way, so the lock alone
// cannot tell.
func (a *App) NoActiveRecordDatabase() bool {
	if !a.Versions.Has("mongoid") {
		return false
	}
	if d := a.Databases; d != nil && d.Doc != nil && d.Doc.Root != nil {
		return false
	}
	for _, p := range a.Processes {
		if _, ok := p.Env.Lookup("DATABASE_URL"); ok {
			return false
		}
	}
	return true
}
