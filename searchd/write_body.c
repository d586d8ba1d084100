/* A write request's body, kept up to its limit (write_body.h). */
#include "write_body.h"

#include <stdlib.h>
#include <string.h>

int sd_body_append(sd_body *b, const char *data, size_t n)
{
    if (b->too_large || n > b->max - b->len) {
        b->too_large = 1;
        free(b->data);
        b->data = NULL;
        b->len = b->cap = 0;
        return 0;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64 * 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown)
            return -1;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 1;
}

void sd_body_free(sd_body *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}
