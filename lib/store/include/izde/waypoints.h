/* izde/waypoints.h — private to lib (index and search): where the words of a long body lie.
 *
 * A snippet of a long article should read only the parts of it that hold a match. The index
 * knows the matches' word positions; a body's waypoints turn a position into bytes: the byte
 * offset of every IZDE_WAYPOINT_WORDS-th position of the body, from its first. A word at
 * position p begins at or after waypoint (p - first) / IZDE_WAYPOINT_WORDS and before the
 * next one. Bodies longer than IZDE_WAYPOINT_MIN_BYTES get them (IZDE_SLOT_WAYPOINTS), and
 * their stem and folded terms then carry positions too (izde/schema.h), so every form of a
 * query word has a place. Shorter bodies are read whole, which costs less than looking.
 *
 * Layout of the value: first position, then each waypoint's distance from the one before
 * (the first from byte 0), all as LEB128 numbers. */
#ifndef IZDE_WAYPOINTS_H
#define IZDE_WAYPOINTS_H

#include <stddef.h>
#include <stdint.h>

#define IZDE_WAYPOINT_WORDS 64
#define IZDE_WAYPOINT_MIN_BYTES 8192

typedef struct izde_waypoints {
    uint32_t first;    /* the body's first position */
    uint32_t *offsets; /* offsets[j]: the first byte of position first + j * WORDS */
    size_t n;
} izde_waypoints;

/* Encodes w into a new buffer (*out, caller frees) of *out_len bytes. 0 on out of memory. */
int store_waypoints_encode(const izde_waypoints *w, char **out, size_t *out_len);

/* Decodes a value written by store_waypoints_encode into *w (w->offsets: caller frees).
 * 0 when the value is malformed or memory runs out (*w is then empty). */
int store_waypoints_decode(const char *v, size_t len, izde_waypoints *w);

/* The interval of position pos (at least w->first; w->n > 0): the number of the waypoint at or
 * before it, the last one for a position past every waypoint. */
size_t store_waypoints_interval(const izde_waypoints *w, uint32_t pos);

/* The bytes [*b0, *b1) where the words of intervals j0 to j1 (j0 <= j1 < w->n) begin, within a
 * body of len bytes. */
void store_waypoints_span(const izde_waypoints *w, size_t j0, size_t j1, size_t len, size_t *b0,
                          size_t *b1);

#endif
