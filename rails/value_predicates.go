package rails

import (
	"strings"

	"github.com/poollint/poollint/parser"
)

// This file reads the predicates Ruby config files test before a DSL call
// (`if n.positive?`, `if Rails.env.production?`, `unless x.blank?`), so
// that the branch that runs is decided in the process's environment
// instead of every branch applying. Each is built from existing operations
// (a comparison, an ENV read), so evaluation needs nothing new.

// buildPredicate returns the Value of the call n (receiver recv, method,
// no arguments) when it is one of the predicates read here.
func (b rubyValues) buildPredicate(n, recv *parser.Node, method string, depth int) (*Value, bool) {
	recvText := strings.TrimPrefix(b.r.CompactText(recv), "::")
	zero := func() *Value { return &Value{Op: OpInt, Text: "0"} }
	switch {
	case recvText == "Rails" && method == "env":
		return b.railsEnv(n), true
	case recvText == "Rails.env" && method == "local?":
		// Rails 7.1: development or test.
		env := b.railsEnv(recv)
		dev := b.node(OpEq, n, env, &Value{Op: OpStr, Str: "development"})
		return b.node(OpOr, n, b.node(OpIf, n, dev, dev, &Value{Op: OpNil}), b.node(OpEq, n, env, &Value{Op: OpStr, Str: "test"})), true
	case recvText == "Rails.env" && strings.HasSuffix(method, "?"):
		return b.node(OpEq, n, b.railsEnv(recv), &Value{Op: OpStr, Str: strings.TrimSuffix(method, "?")}), true
	}
	switch method {
	case "positive?":
		return b.node(OpGt, n, b.build(recv, depth+1), zero()), true
	case "negative?":
		return b.node(OpGt, n, zero(), b.build(recv, depth+1)), true
	case "zero?":
		return b.node(OpEq, n, b.build(recv, depth+1), zero()), true
	case "nil?":
		return b.node(OpEq, n, b.build(recv, depth+1), &Value{Op: OpNil}), true
	case "present?":
		return b.node(OpIf, n, b.node(OpPresence, n, b.build(recv, depth+1)), boolValue(true), boolValue(false)), true
	case "blank?":
		return b.node(OpIf, n, b.node(OpPresence, n, b.build(recv, depth+1)), boolValue(false), boolValue(true)), true
	}
	return nil, false
}

// railsEnv is Rails.env: RAILS_ENV, else RACK_ENV, else "development"
// (Rails.env reads both, blank counting as unset).
func (b rubyValues) railsEnv(n *parser.Node) *Value {
	read := func(name string) *Value {
		return b.node(OpPresence, n, &Value{Op: OpEnv, Str: name, Style: EnvIndex, Span: b.r.Span(n), Text: name})
	}
	return b.node(OpOr, n, read("RAILS_ENV"), b.node(OpOr, n, read("RACK_ENV"), &Value{Op: OpStr, Str: "development"}))
}
