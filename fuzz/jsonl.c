/* The JSONL reader on arbitrary bytes (a file named *.jsonl): lines of any length, BOMs, CR,
 * blank lines, broken JSON and UTF-8. Asserts the reader contract (a rejection has a message
 * and the reader moves on) and that every entry it accepts is valid and reads back the same
 * from its JSON (fuzz_check_entry). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_read_file("input.jsonl", data, size);
    return 0;
}
