/* izde/array.h — growing an array by doubling (lib/util).
 *
 * Design: one place for the capacity arithmetic (overflow checks included) that every
 * growable list needs, so no caller writes its own realloc loop.
 */
#ifndef IZDE_ARRAY_H
#define IZDE_ARRAY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Makes room for at least `need` elements of `size` bytes in the array whose pointer is at
 * items_ptr (a T **, passed as void *) and whose capacity is *cap, doubling from 8.
 * Returns 1; or 0 when the size overflows or realloc fails, leaving the array and *cap as they
 * were (the caller still owns and frees the array). */
int izde_array_reserve(void *items_ptr, size_t *cap, size_t need, size_t size);

#ifdef __cplusplus
}
#endif
#endif
