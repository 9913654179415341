// See ruby_export.h. tree-sitter's C library is compiled into the binary
// by github.com/smacker/go-tree-sitter and the grammar by its ruby
// package; this file only declares the functions it calls, and the final
// (external) link resolves them to that copy. The link cgo makes of this
// package alone to list its dynamic imports cannot resolve them; since Go
// 1.19 that only marks the package for external linking, which a cgo
// package outside the standard library gets anyway (golang.org/issue/52863).
// ruby_tree_test.go checks the whole record against go-tree-sitter's view
// of the same trees, which also catches declarations here that drift from
// the compiled library.

#include <stdbool.h>
#include <stdlib.h>

#include "ruby_export.h"

typedef struct TSLanguage TSLanguage;
typedef struct TSParser TSParser;
typedef struct TSTree TSTree;
typedef struct {
	uint32_t context[4];
	const void *id;
	const TSTree *tree;
} TSNode;
typedef struct {
	const void *tree;
	const void *id;
	uint32_t context[3];
} TSTreeCursor;

extern const TSLanguage *tree_sitter_ruby(void);
extern TSParser *ts_parser_new(void);
extern void ts_parser_delete(TSParser *);
extern bool ts_parser_set_language(TSParser *, const TSLanguage *);
extern TSTree *ts_parser_parse_string(TSParser *, const TSTree *, const char *, uint32_t);
extern void ts_parser_reset(TSParser *);
extern void ts_tree_delete(TSTree *);
extern TSNode ts_tree_root_node(const TSTree *);
extern TSTreeCursor ts_tree_cursor_new(TSNode);
extern void ts_tree_cursor_delete(TSTreeCursor *);
extern bool ts_tree_cursor_goto_first_child(TSTreeCursor *);
extern bool ts_tree_cursor_goto_next_sibling(TSTreeCursor *);
extern bool ts_tree_cursor_goto_parent(TSTreeCursor *);
extern TSNode ts_tree_cursor_current_node(const TSTreeCursor *);
extern uint16_t ts_tree_cursor_current_field_id(const TSTreeCursor *);
extern uint16_t ts_node_symbol(TSNode);
extern uint32_t ts_node_start_byte(TSNode);
extern uint32_t ts_node_end_byte(TSNode);
extern bool ts_node_is_named(TSNode);
extern bool ts_node_is_missing(TSNode);
extern bool ts_node_is_extra(TSNode);
extern bool ts_node_has_error(TSNode);

void *pl_parser_new(void) {
	TSParser *p = ts_parser_new();
	if (p && !ts_parser_set_language(p, tree_sitter_ruby())) {
		ts_parser_delete(p);
		return NULL;
	}
	return p;
}

void pl_parser_delete(void *parser) { ts_parser_delete(parser); }

void pl_free(void *p) { free(p); }

// grow makes room for one more element in an array of size bytes each.
static bool grow(void **arr, int64_t *cap, int64_t len, size_t size) {
	if (len < *cap) {
		return true;
	}
	int64_t n = *cap ? *cap * 2 : 256;
	void *bigger = realloc(*arr, (size_t)n * size);
	if (!bigger) {
		return false;
	}
	*arr = bigger;
	*cap = n;
	return true;
}

// record appends the cursor's node, a child of open[depth-1].
static bool record(const TSTreeCursor *c, pl_result *out, int64_t *cap, int32_t parent) {
	if (!grow((void **)&out->nodes, cap, out->count, sizeof(pl_node))) {
		return false;
	}
	TSNode n = ts_tree_cursor_current_node(c);
	pl_node *rec = &out->nodes[out->count++];
	rec->start_byte = ts_node_start_byte(n);
	rec->end_byte = ts_node_end_byte(n);
	rec->parent = parent;
	rec->next = -1;
	rec->symbol = ts_node_symbol(n);
	rec->field = parent < 0 ? 0 : ts_tree_cursor_current_field_id(c);
	rec->flags = (ts_node_is_named(n) ? PL_NAMED : 0) | (ts_node_is_extra(n) ? PL_EXTRA : 0) |
		     (ts_node_is_missing(n) ? PL_MISSING : 0) | (ts_node_has_error(n) ? PL_HAS_ERROR : 0);
	return true;
}

// pl_parse parses src and records its tree in source order, without
// recursion (the depth of a hostile file is unbounded): open holds the
// indexes of the nodes on the current path. A node max_depth steps below
// the root stops the record there and is reported in deep.
pl_result pl_parse(void *parser, const char *src, uint32_t len, int32_t max_depth) {
	pl_result res = {.deep = -1};
	pl_result *out = &res;
	TSTree *tree = ts_parser_parse_string(parser, NULL, src, len);
	if (!tree) {
		ts_parser_reset(parser);
		out->status = 1;
		return res;
	}
	TSTreeCursor c = ts_tree_cursor_new(ts_tree_root_node(tree));
	int32_t *open = NULL;
	int64_t open_cap = 0, open_len = 0, cap = 0;
	bool ok = record(&c, out, &cap, -1) && grow((void **)&open, &open_cap, 0, sizeof *open);
	if (ok) {
		open[open_len++] = 0;
	}
	while (ok && open_len > 0) {
		if (ts_tree_cursor_goto_first_child(&c)) {
			if (open_len >= max_depth) {
				out->deep = out->count;
				ok = record(&c, out, &cap, open[open_len - 1]);
				break;
			}
		} else {
			// Close nodes until one has a next sibling.
			for (;;) {
				out->nodes[open[--open_len]].next = (int32_t)out->count;
				if (open_len == 0 || ts_tree_cursor_goto_next_sibling(&c)) {
					break;
				}
				ts_tree_cursor_goto_parent(&c);
			}
			if (open_len == 0) {
				break;
			}
		}
		ok = record(&c, out, &cap, open[open_len - 1]) &&
		     grow((void **)&open, &open_cap, open_len, sizeof *open);
		if (ok) {
			open[open_len++] = (int32_t)(out->count - 1);
		}
	}
	if (out->deep >= 0) {
		// The record stops inside open subtrees: close them at its end.
		for (int64_t i = 0; i < out->count; i++) {
			if (out->nodes[i].next < 0) {
				out->nodes[i].next = (int32_t)out->count;
			}
		}
	}
	free(open);
	ts_tree_cursor_delete(&c);
	ts_tree_delete(tree);
	if (!ok) {
		free(out->nodes);
		out->nodes = NULL;
		out->count = 0;
		out->status = 2;
	}
	return res;
}
