package rails

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/poollint/poollint/parser"
)

// SolidQueueDispatcher is one entry of `dispatchers:` in a Solid Queue
// config file.
type SolidQueueDispatcher struct {
	// Maintenance: the concurrency maintenance timer runs
	// (`concurrency_maintenance`, true by default: DISPATCHER_DEFAULTS).
	Maintenance bool
	Span        parser.Span // zero for Solid Queue's default dispatcher
}

// Connections is how many connections of Solid Queue's database the
// dispatcher can hold at once: its polling thread, its heartbeat and, when
// it runs, the concurrency maintenance timer (facts 6.1).
func (d *SolidQueueDispatcher) Connections() int {
	if d.Maintenance {
		return 3
	}
	return 2
}

func (d *SolidQueueDispatcher) describe() string {
	if d.Maintenance {
		return "the dispatcher's polling thread, heartbeat and concurrency maintenance timer (facts 6.1)"
	}
	return "the dispatcher's polling thread and heartbeat (concurrency_maintenance: false; facts 6.1)"
}

// SolidQueueDispatchers reads the dispatchers a supervisor in env runs
// from qf, as SolidQueue::Configuration does: the `dispatchers` of the
// section it reads; one default dispatcher when the section has neither
// workers nor dispatchers (or qf does not exist).
func (qf *QueueFile) SolidQueueDispatchers(env string) ([]*SolidQueueDispatcher, bool, string) {
	d, m, _, fallback, ok, reason := qf.processesSection(env)
	if !ok {
		return nil, false, reason
	}
	if fallback {
		return []*SolidQueueDispatcher{{Maintenance: true}}, true, ""
	}
	list, has := lookupSym(d, m, "dispatchers")
	if !has {
		return nil, true, ""
	}
	items, ok, reason := mappingList(d, list, "dispatchers", qf.File.Path)
	if !ok {
		return nil, false, reason
	}
	var out []*SolidQueueDispatcher
	for _, item := range items {
		disp := &SolidQueueDispatcher{Maintenance: true, Span: d.Span(item)}
		if v, ok := lookupSym(d, item, "concurrency_maintenance"); ok {
			// Only a literal false (Psych's YAML 1.1 spellings) turns it
			// off; anything else (ERB, a string) counts as on: the larger
			// number.
			v = parser.Resolve(v)
			if v.Kind == yaml.ScalarNode && v.Style == 0 && len(d.ERBInside(v)) == 0 {
				switch strings.ToLower(v.Value) {
				case "false", "no", "off":
					disp.Maintenance = false
				}
			}
		}
		out = append(out, disp)
	}
	return out, true, ""
}
