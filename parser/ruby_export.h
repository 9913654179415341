// The C half of ruby_tree.go: one call parses a Ruby source with
// tree-sitter and writes the whole tree out as an array, so that Go walks
// it without crossing into C once per node.

#include <stdint.h>

// Bits of pl_node.flags.
enum {
	PL_NAMED = 1,
	PL_EXTRA = 2,
	PL_MISSING = 4,
	PL_HAS_ERROR = 8,
};

// One node of the tree, in source order (the order a cursor walk from the
// root meets them). Indexes are into the same array; the root is 0.
typedef struct {
	uint32_t start_byte, end_byte;
	int32_t parent; // -1 for the root
	int32_t next;   // index just past this node's subtree
	uint16_t symbol;
	uint16_t field; // field id in the parent, 0 for none
	uint8_t flags;
} pl_node;

// What pl_parse made.
typedef struct {
	pl_node *nodes; // malloc'd; the caller frees it with pl_free
	int64_t count;
	int64_t deep;   // index of the first node nested max_depth deep, -1 for none
	int32_t status; // 0 done, 1 the parse failed, 2 out of memory
} pl_result;

void *pl_parser_new(void);
void pl_parser_delete(void *parser);
pl_result pl_parse(void *parser, const char *src, uint32_t len, int32_t max_depth);
void pl_free(void *p);
