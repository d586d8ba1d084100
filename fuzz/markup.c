/* The feed and article-page readers (libxml2 underneath) on arbitrary bytes. The first byte
 * picks the file name, and so the reader: a feed (*.rss), an HTML page (*.html), or a name
 * that tells nothing, so the first bytes decide. Asserts the reader contract and that every
 * entry is valid and reads back the same from its JSON (fuzz_check_entry). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"feed.rss", "article-page.html", "feed.php"};
    if (size == 0)
        return 0;
    fuzz_read_file(names[data[0] % 3], data + 1, size - 1);
    return 0;
}
