/* Decoding a stored entry (izde_entry_decode, what search results read back from the index)
 * on arbitrary bytes: the binary layout izde_entry_encode writes, or an older index's JSON.
 * Its contract: an error or a valid entry, never a read past the bytes; an entry it gives
 * encodes and decodes back the same (fuzz_check_entry); and bytes in the JSON form give
 * exactly what izde_entry_from_json gives, the same status and the same entry.
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
    return izde_entry_decode(data, size, out, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    izde_entry *stored = NULL, *parsed = NULL;
    izde_error err_stored, err_parsed;
    izde_status st = decode((const char *)data, size, &stored, &err_stored);
    if (st == IZDE_OK)
        fuzz_check_entry(stored);
    else
        FUZZ_CHECK(!stored && err_stored.msg[0], "a refusal without a message");
    if (size > 0 && data[0] == '{') { /* an older index's JSON */
        izde_status st_parsed =
            izde_entry_from_json((const char *)data, size, &parsed, &err_parsed);
        FUZZ_CHECK(st == IZDE_OK ? st_parsed == IZDE_OK : st_parsed != IZDE_OK,
                   "stored decoding gave %d, izde_entry_from_json %d", (int)st, (int)st_parsed);
        if (st == IZDE_OK)
            FUZZ_CHECK(fuzz_entry_equal(stored, parsed), "the two decoders disagree");
    }
    izde_entry_free(stored);
    izde_entry_free(parsed);
    return 0;
}
