#include <izde/array.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int izde_array_reserve(void *items_ptr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return 0;
        n *= 2;
    }
    if (size == 0 || n > SIZE_MAX / size)
        return 0;
    void *items;
    memcpy(&items, items_ptr, sizeof items);
    void *grown = realloc(items, n * size);
    if (!grown)
        return 0;
    memcpy(items_ptr, &grown, sizeof grown);
    *cap = n;
    return 1;
}
