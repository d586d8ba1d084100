/* Decoding a stored entry (izde_entry_from_stored_json, what search results read back from
 * the index) on arbitrary bytes. Its contract is to give exactly what izde_entry_from_json
 * gives, same status and same entry, only faster on the canonical layout: asserted here, and
 * that a decoded entry is valid and reads back the same from its JSON (fuzz_check_entry).
 * If the stored layout changes, decode() is the one place to adapt. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <izde/entry.h>

#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The stored-entry decoder under test. */
static izde_status decode(const char *data, size_t size, izde_entry **out, izde_error *err)
{
    return izde_entry_from_stored_json(data, size, out, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    izde_entry *stored = NULL, *parsed = NULL;
    izde_error err_stored, err_parsed;
    izde_status st = decode((const char *)data, size, &stored, &err_stored);
    izde_status st_parsed = izde_entry_from_json((const char *)data, size, &parsed, &err_parsed);

    FUZZ_CHECK(st == st_parsed, "stored decoding gave %d, izde_entry_from_json %d", (int)st,
               (int)st_parsed);
    if (st == IZDE_OK) {
        FUZZ_CHECK(fuzz_entry_equal(stored, parsed), "the two decoders disagree");
        fuzz_check_entry(stored);
    } else {
        FUZZ_CHECK(!stored && strcmp(err_stored.msg, err_parsed.msg) == 0,
                   "different errors: '%s' and '%s'", err_stored.msg, err_parsed.msg);
    }
    izde_entry_free(stored);
    izde_entry_free(parsed);
    return 0;
}
