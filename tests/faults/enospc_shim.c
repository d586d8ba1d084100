/* A disk that fills up, for tests: loaded with LD_PRELOAD into a program, it lets writes to
 * files below $IZDE_FAULT_DIR through until $IZDE_FAULT_ENOSPC_AFTER bytes have been written
 * there, then fails every further write to them with ENOSPC, as a full file system does.
 * Other files (stderr, logs elsewhere) are not touched. Only for tests/e2e/test_disk_full.py. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long long budget = -1; /* bytes still allowed; -1: not read yet */
static const char *dir;

/* Whether fd is a file below the watched folder. */
static int watched(int fd)
{
    if (budget == -1) {
        const char *after = getenv("IZDE_FAULT_ENOSPC_AFTER");
        dir = getenv("IZDE_FAULT_DIR");
        budget = after ? atoll(after) : LLONG_MAX;
    }
    if (!dir || fd < 3)
        return 0;
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    return strncmp(path, dir, strlen(dir)) == 0;
}

/* Takes n bytes from the budget; 0 (errno ENOSPC) when the disk is full. */
static int take(int fd, size_t n)
{
    if (!watched(fd))
        return 1;
    if ((long long)n > budget) {
        budget = 0;
        errno = ENOSPC;
        return 0;
    }
    budget -= (long long)n;
    return 1;
}

#define REAL(name, type) ((type)dlsym(RTLD_NEXT, name))

ssize_t write(int fd, const void *buf, size_t n)
{
    if (!take(fd, n))
        return -1;
    return REAL("write", ssize_t(*)(int, const void *, size_t))(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    if (!take(fd, n))
        return -1;
    return REAL("pwrite", ssize_t(*)(int, const void *, size_t, off_t))(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    if (!take(fd, n))
        return -1;
    return REAL("pwrite64", ssize_t(*)(int, const void *, size_t, off_t))(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
    size_t n = 0;
    for (int i = 0; i < cnt; i++)
        n += iov[i].iov_len;
    if (!take(fd, n))
        return -1;
    return REAL("writev", ssize_t(*)(int, const struct iovec *, int))(fd, iov, cnt);
}
