/* Waypoints of a long body: their layout in a value (izde/waypoints.h). */
#include <izde/waypoints.h>

#include <stdlib.h>

static void put_number(unsigned char *buf, size_t *at, uint32_t v)
{
    while (v >= 0x80) {
        buf[(*at)++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    buf[(*at)++] = (unsigned char)v;
}

/* The number at *at, moving past it; 0 when the bytes end first or it overflows. */
static int get_number(const unsigned char *v, size_t len, size_t *at, uint32_t *out)
{
    uint64_t n = 0;
    for (unsigned shift = 0; *at < len && shift < 35; shift += 7) {
        unsigned char c = v[(*at)++];
        n |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *out = (uint32_t)n;
            return n <= UINT32_MAX;
        }
    }
    return 0;
}

int store_waypoints_encode(const izde_waypoints *w, char **out, size_t *out_len)
{
    unsigned char *buf = malloc(5 * (w->n + 1));
    if (!buf)
        return 0;
    size_t at = 0;
    put_number(buf, &at, w->first);
    for (size_t j = 0; j < w->n; j++)
        put_number(buf, &at, w->offsets[j] - (j ? w->offsets[j - 1] : 0));
    *out = (char *)buf;
    *out_len = at;
    return 1;
}

int store_waypoints_decode(const char *v, size_t len, izde_waypoints *w)
{
    const unsigned char *p = (const unsigned char *)v;
    size_t at = 0, n = 0;
    w->offsets = NULL;
    w->n = 0;
    if (!get_number(p, len, &at, &w->first))
        return 0;
    for (size_t i = at; i < len; i++)
        n += !(p[i] & 0x80);
    if (n == 0)
        return 1;
    uint32_t *offsets = malloc(n * sizeof *offsets);
    if (!offsets)
        return 0;
    uint64_t sum = 0;
    for (size_t j = 0; j < n; j++) {
        uint32_t d = 0;
        if (!get_number(p, len, &at, &d) || (sum += d) > UINT32_MAX) {
            free(offsets);
            return 0;
        }
        offsets[j] = (uint32_t)sum;
    }
    w->offsets = offsets;
    w->n = n;
    return 1;
}

size_t store_waypoints_interval(const izde_waypoints *w, uint32_t pos)
{
    size_t j = (pos - w->first) / IZDE_WAYPOINT_WORDS;
    return j < w->n ? j : w->n - 1;
}

void store_waypoints_span(const izde_waypoints *w, size_t j0, size_t j1, size_t len, size_t *b0,
                          size_t *b1)
{
    *b0 = w->offsets[j0];
    *b1 = j1 + 1 < w->n ? w->offsets[j1 + 1] : len;
    if (*b0 > len)
        *b0 = len;
    if (*b1 > len)
        *b1 = len;
    if (*b1 < *b0)
        *b1 = *b0;
}
