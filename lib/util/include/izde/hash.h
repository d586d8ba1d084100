/* izde/hash.h — FNV-1a, the one non-cryptographic hash izde uses (lib/util).
 *
 * Design: duplicate fingerprints, document checksums and cache slots need a fast, stable hash
 * (the same value on every machine and run, since fingerprints are stored in the index).
 * FNV-1a 64-bit is enough for that; nothing here resists chosen inputs.
 */
#ifndef IZDE_HASH_H
#define IZDE_HASH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The FNV-1a 64-bit starting value. */
#define IZDE_FNV1A_INIT 0xcbf29ce484222325ULL

/* Folds data[0..len) into the running FNV-1a 64-bit hash h (start from IZDE_FNV1A_INIT). */
uint64_t izde_fnv1a(uint64_t h, const void *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
