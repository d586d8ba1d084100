/* izde/clock.h — the monotonic clock, for durations and deadlines (lib/util).
 *
 * Design: one reading of CLOCK_MONOTONIC for every program and layer, so that no file keeps
 * its own copy; wall-clock time (dates, log stamps) is not this.
 */
#ifndef IZDE_CLOCK_H
#define IZDE_CLOCK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Nanoseconds since an arbitrary start, never going back. */
uint64_t izde_clock_ns(void);
/* The same in milliseconds. */
double izde_clock_ms(void);

#ifdef __cplusplus
}
#endif
#endif
