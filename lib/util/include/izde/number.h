/* izde/number.h — bounded number parsing for options, settings and URL parameters (lib/util).
 *
 * Design: every program reads numbers from users (flags, izde.conf, ?limit=); one strict parser
 * means "10x", "-1", " 5", "" and out-of-range values are refused the same way everywhere.
 * Only plain decimal digits are taken for integers: no sign, no spaces, no hex.
 */
#ifndef IZDE_NUMBER_H
#define IZDE_NUMBER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Parses all of s as a decimal integer in [min, max] into *out; returns 1, or 0 (then *out is
 * untouched) when s is empty, holds anything but digits, or is out of range. */
int izde_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* Reads s[0..len) as min_digits to max_digits (at most 9) decimal digits into *out: the
 * day, month, year and clock fields of dates in text. Returns 1, or 0 with *out untouched. */
int izde_parse_digits(const char *s, size_t len, size_t min_digits, size_t max_digits, int *out);

/* izde_parse_uint for 32-bit settings and parameters. */
int izde_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/* Parses all of s as a finite decimal number in [min, max] (strtod's syntax without leading
 * spaces); returns 1, or 0 with *out untouched. */
int izde_parse_double(const char *s, double min, double max, double *out);

#ifdef __cplusplus
}
#endif
#endif
