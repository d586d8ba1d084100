/* The dated news-page reader on arbitrary bytes (a file named *.txt): header lines, headings
 * with impossible dates, text before the first heading, long paragraphs, NUL bytes and broken
 * UTF-8. Asserts the reader contract and that every entry is valid and reads back the same
 * from its JSON (fuzz_check_entry). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_read_file("news-page.txt", data, size);
    return 0;
}
