#include <izde/number.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>

int izde_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    if (v < min || v > max)
        return 0;
    *out = v;
    return 1;
}

int izde_parse_digits(const char *s, size_t len, size_t min_digits, size_t max_digits, int *out)
{
    if (len < min_digits || len > max_digits || len > 9)
        return 0;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

int izde_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
    uint64_t v;
    if (!izde_parse_uint(s, min, max, &v))
        return 0;
    *out = (uint32_t)v;
    return 1;
}

int izde_parse_double(const char *s, double min, double max, double *out)
{
    char *end = NULL;
    if (!*s || *s == ' ' || *s == '\t' || *s == '\n')
        return 0;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno || !isfinite(v) || !(v >= min && v <= max))
        return 0;
    *out = v;
    return 1;
}
