/* The one way prefixed terms are spelt (schema.h). */
#include "schema.h"

#include <string.h>

size_t schema_term(char *buf, size_t cap, const char *prefix, const char *term, size_t n)
{
    size_t p = strlen(prefix);
    if (p + n >= cap)
        n = cap - p - 1;
    memcpy(buf, prefix, p);
    memcpy(buf + p, term, n);
    buf[p + n] = '\0';
    return p + n;
}
