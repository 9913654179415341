package rails

import (
	"strings"

	"github.com/poollint/poollint/parser"
)

// This file reads what a fork hook's body does to Active Record's
// connection (seeds 001–004, real-world-syntax.md 2c/2d): whether it
// disconnects the inherited connections, whether it re-establishes them,
// and which of its statements do nothing else (redundant on Rails 5.2+,
// facts 2.1/2.2). Only calls written in the hook are recognised: a call into
// app code (`Gitlab::Cluster::LifecycleEvents.do_before_fork`,
// `ImpactPlatform::MySQL.reconnect!`) is not followed, and comments are
// never code.

// ARCall is one Active Record connection call found in a hook or app code.
type ARCall struct {
	Call parser.Call
	Span parser.Span
	Text string // the call as written, layout dropped
	// WithConfig marks `establish_connection(config)`: a hand-built config
	// (a custom pool) that Rails would not re-create by itself.
	WithConfig bool
}

// HookEffect is what one hook's body does to Active Record's connection.
type HookEffect struct {
	Disconnects []ARCall // calls that close the connections the process holds
	Reconnects  []ARCall // establish_connection calls
	// Redundant are the statements of the body that only disconnect or
	// re-establish with the app's own config (no argument), guards
	// included: Rails 5.2+ does both by itself.
	Redundant []*parser.Node
	// OtherCode reports statements besides Redundant in the body.
	OtherCode bool
	// Delegated are calls into code poollint does not read whose names say
	// they manage connections around the fork
	// (`Gitlab::Cluster::LifecycleEvents.do_before_fork`,
	// `ImpactPlatform::MySQL.reconnect!`): whether they disconnect or
	// re-establish Active Record cannot be told.
	Delegated []ARCall
}

// Effect analyses h's block (once; the slices are shared: read them only).
func (h *Hook) Effect() HookEffect {
	if h.effect == nil {
		e := h.readEffect()
		h.effect = &e
	}
	return *h.effect
}

func (h *Hook) readEffect() HookEffect {
	var e HookEffect
	if h.Call.Block == nil {
		return e
	}
	r := h.Ruby
	onLoad := onLoadBlocks(r, h.Call.Block)
	for _, c := range r.Calls(h.Call.Block) {
		switch {
		case isDisconnectCall(r, c):
			e.Disconnects = append(e.Disconnects, arCall(r, c))
		case isReconnectCall(r, c, onLoad):
			e.Reconnects = append(e.Reconnects, arCall(r, c))
		case isDelegatedForkCall(r, c):
			e.Delegated = append(e.Delegated, arCall(r, c))
		}
	}
	for _, s := range h.Call.BlockBody {
		if redundantStatement(r, s, false) {
			e.Redundant = append(e.Redundant, s)
		} else {
			e.OtherCode = true
		}
	}
	return e
}

// Delegates reports whether the hook hands the fork to code poollint does
// not read (see HookEffect.Delegated).
func (h *Hook) Delegates() bool { return len(h.Effect().Delegated) > 0 }

// isDelegatedForkCall recognises a call on a constant (app or gem code)
// whose name says it handles the fork or a connection, other than a
// cache's or Redis' (`Redis.current.client.reconnect` never touches Active
// Record).
func isDelegatedForkCall(r *parser.RubyFile, c parser.Call) bool {
	recv := receiverChain(r, c)
	if recv == "" || recv[0] < 'A' || recv[0] > 'Z' || strings.HasPrefix(recv, "ActiveRecord") || strings.HasPrefix(recv, "ApplicationRecord") {
		return false
	}
	lower := strings.ToLower(recv)
	for _, other := range []string{"redis", "cache", "dalli", "memcache", "mongo"} {
		if strings.Contains(lower, other) {
			return false
		}
	}
	m := strings.ToLower(c.Method)
	for _, word := range []string{"fork", "connect", "worker_start", "worker_boot"} {
		if strings.Contains(m, word) {
			return true
		}
	}
	return false
}

// Disconnects reports whether the hook disconnects Active Record.
func (h *Hook) Disconnects() bool { return len(h.Effect().Disconnects) > 0 }

// Reconnects reports whether the hook calls establish_connection.
func (h *Hook) Reconnects() bool { return len(h.Effect().Reconnects) > 0 }

// Applies reports whether the hook is registered in env: a hook block
// inside `if ENV["RAILS_ENV"] == "development"` or ending in
// `end if web_concurrency > 0` only runs when that holds. A condition
// poollint cannot evaluate counts as true.
func (h *Hook) Applies(env Env) bool {
	if !h.condsRead {
		h.conds, h.condsRead = conditionsOf(h.Ruby, h.Call.Node), true
	}
	g := Guarded{Conds: h.conds}
	return g.Applies(env)
}

// Head is where a diagnostic about the hook points: its first line
// (`before_fork do |server, worker|`), not the whole block.
func (h *Hook) Head() parser.Span { return FirstLine(h.Ruby.File, h.Span) }

func arCall(r *parser.RubyFile, c parser.Call) ARCall {
	return ARCall{Call: c, Span: r.Span(c.Node), Text: r.CompactText(c.Node), WithConfig: len(c.Args) > 0}
}

// arBases are the receivers whose connection is Active Record's primary
// one: the base class, and the app's abstract base class.
var arBases = []string{"ActiveRecord::Base", "ApplicationRecord"}

// receiverChain returns the receiver chain of c as written, without layout, a
// leading `::` or empty parentheses: "ActiveRecord::Base.connection_pool".
func receiverChain(r *parser.RubyFile, c parser.Call) string {
	t := strings.TrimPrefix(r.ReceiverText(c), "::")
	return strings.ReplaceAll(t, "()", "")
}

func isARBase(s string) bool {
	for _, b := range arBases {
		if s == b {
			return true
		}
	}
	return false
}

// isDisconnectCall recognises the calls that close the connections of
// Active Record's pool: `connection.disconnect!`,
// `connection_pool.disconnect!`, `clear_all_connections!` on the base class
// or its connection handler, `remove_connection`, and the handler's pools
// disconnected one by one (`connection_handler.connection_pool_list
// .each(&:disconnect!)`).
func isDisconnectCall(r *parser.RubyFile, c parser.Call) bool {
	recv := receiverChain(r, c)
	switch c.Method {
	case "disconnect!":
		for _, b := range arBases {
			if recv == b+".connection" || recv == b+".connection_pool" {
				return true
			}
		}
	case "clear_all_connections!":
		return isARBase(recv) || isARBase(strings.TrimSuffix(recv, ".connection_handler"))
	case "remove_connection":
		return isARBase(recv)
	case "each", "each_value":
		if !strings.HasSuffix(r.CompactText(c.Node), "(&:disconnect!)") {
			return false
		}
		for _, b := range arBases {
			if strings.HasPrefix(recv, b+".connection_handler.") {
				return true
			}
		}
	}
	return false
}

// isReconnectCall recognises `ActiveRecord::Base.establish_connection`
// (with or without a config), and a bare `establish_connection` inside
// `ActiveSupport.on_load(:active_record) { ... }`, where self is
// ActiveRecord::Base.
func isReconnectCall(r *parser.RubyFile, c parser.Call, onLoad []*parser.Node) bool {
	if c.Method != "establish_connection" {
		return false
	}
	if c.Receiver != nil {
		return isARBase(receiverChain(r, c))
	}
	for _, b := range onLoad {
		if forkWithin(c.Node, b) {
			return true
		}
	}
	return false
}

// onLoadBlocks returns the blocks of `ActiveSupport.on_load(:active_record)`
// under n.
func onLoadBlocks(r *parser.RubyFile, n *parser.Node) []*parser.Node {
	var out []*parser.Node
	for _, c := range r.Calls(n, "on_load") {
		if isOnLoadAR(r, c) {
			out = append(out, c.Block)
		}
	}
	return out
}

func isOnLoadAR(r *parser.RubyFile, c parser.Call) bool {
	if c.Method != "on_load" || c.Block == nil || receiverChain(r, c) != "ActiveSupport" || len(c.Args) == 0 {
		return false
	}
	name, ok := r.StringValue(c.Args[0])
	return ok && name == "active_record"
}

func forkWithin(n, outer *parser.Node) bool {
	return outer != nil && n.StartByte() >= outer.StartByte() && n.EndByte() <= outer.EndByte()
}

// redundantStatement reports whether statement n only disconnects Active
// Record or re-establishes it from the app's own config, possibly behind a
// `defined?(...)` guard in any of the seeds' forms:
//
//	ActiveRecord::Base.connection_pool.disconnect!
//	ActiveRecord::Base.establish_connection if defined?(ActiveRecord)
//	defined?(ActiveRecord::Base) and ActiveRecord::Base.connection.disconnect!
//	if defined?(ActiveRecord::Base) ... end
//	ActiveRecord::Base.connection.disconnect! rescue nil
//	ActiveSupport.on_load(:active_record) { ActiveRecord::Base.establish_connection }
//
// inOnLoad says n sits in an on_load(:active_record) block, where a bare
// establish_connection is ActiveRecord::Base's. `establish_connection(config)`
// is not redundant: it sets up a hand-built config (facts 2.2).
func redundantStatement(r *parser.RubyFile, n *parser.Node, inOnLoad bool) bool {
	n = parser.Unwrap(n)
	if n == nil {
		return false
	}
	switch n.Type() {
	case "call", "identifier":
		c, ok := forkCallAt(r, n)
		if !ok {
			return false
		}
		if isOnLoadAR(r, c) {
			return allRedundant(r, c.BlockBody, true)
		}
		if c.Block != nil {
			return false
		}
		if isDisconnectCall(r, c) {
			return true
		}
		var onLoad []*parser.Node
		if inOnLoad {
			onLoad = []*parser.Node{n}
		}
		return isReconnectCall(r, c, onLoad) && len(c.Args) == 0
	case "if_modifier":
		return isDefinedCheck(r, n.ChildByFieldName("condition")) && redundantStatement(r, n.ChildByFieldName("body"), inOnLoad)
	case "rescue_modifier": // `ActiveRecord::Base.connection.disconnect! rescue nil`
		return redundantStatement(r, n.ChildByFieldName("body"), inOnLoad)
	case "binary":
		op := n.ChildByFieldName("operator")
		if op == nil || (op.Type() != "and" && op.Type() != "&&") {
			return false
		}
		return isDefinedCheck(r, n.ChildByFieldName("left")) && redundantStatement(r, n.ChildByFieldName("right"), inOnLoad)
	case "if":
		if n.ChildByFieldName("alternative") != nil || !isDefinedCheck(r, n.ChildByFieldName("condition")) {
			return false
		}
		return allRedundant(r, forkCodeNodes(n.ChildByFieldName("consequence")), inOnLoad)
	}
	return false
}

func allRedundant(r *parser.RubyFile, stmts []*parser.Node, inOnLoad bool) bool {
	if len(stmts) == 0 {
		return false
	}
	for _, s := range stmts {
		if !redundantStatement(r, s, inOnLoad) {
			return false
		}
	}
	return true
}

// forkCallAt describes the call at n itself (not one inside it).
func forkCallAt(r *parser.RubyFile, n *parser.Node) (parser.Call, bool) {
	for _, c := range r.Calls(n) {
		if c.Node.Equal(n) {
			return c, true
		}
	}
	return parser.Call{}, false
}

// isDefinedCheck reports whether n is `defined?(...)`, the guard the seeds
// put around Active Record calls; removing it with its statement removes
// nothing else.
func isDefinedCheck(r *parser.RubyFile, n *parser.Node) bool {
	n = parser.Unwrap(n)
	return n != nil && n.Type() == "unary" && strings.HasPrefix(r.Text(n), "defined?")
}

// forkCodeNodes returns n's named children that are code (no comments).
func forkCodeNodes(n *parser.Node) []*parser.Node {
	if n == nil {
		return nil
	}
	var out []*parser.Node
	for i := 0; i < int(n.NamedChildCount()); i++ {
		if c := n.NamedChild(i); !c.IsExtra() && c.Type() != "comment" {
			out = append(out, c)
		}
	}
	return out
}

// FirstLine cuts span (of f) to the end of its first line, trailing blanks
// dropped, so a diagnostic about a block underlines its opening line.
func FirstLine(f *parser.File, span parser.Span) parser.Span {
	if f == nil || span.End.Line <= span.Start.Line {
		return span
	}
	_, end := f.Lines.LineBounds(span.Start.Line)
	for end > span.Start.Offset && strings.ContainsRune(" \t\r", rune(f.Src[end-1])) {
		end--
	}
	return f.Span(span.Start.Offset, end)
}

// OpaqueHooks returns the calls registering one of the named hooks in a
// way poollint cannot read (`before_fork(&DISCONNECT)`, `before_fork
// method(:x)`): what they do is unknown.
func OpaqueHooks(r *parser.RubyFile, names ...string) []parser.Call {
	return blockless(r.TopLevelCalls(names...))
}

// blockless keeps the calls without a block.
func blockless(calls []parser.Call) []parser.Call {
	var out []parser.Call
	for _, c := range calls {
		if c.Block == nil {
			out = append(out, c)
		}
	}
	return out
}
