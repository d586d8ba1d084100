/* The write-ahead journal of live writes: see izde/journal.h for the layout and the rules. */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE
#include <izde/journal.h>

#include <izde/schema.h>

#include <izde/xapian.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAGIC "IZDEJRN1"
#define MAGIC_LEN 8
#define HEADER_LEN 17 /* length, checksum, sequence number, kind */
/* A new segment starts past this size, so that applied records can be dropped. */
#define SEGMENT_TARGET (16u << 20)
#define NAME_FORMAT "%020" PRIu64 ".log"
#define WRITER_NAME "WRITER"

/* CRC-32C, reflected polynomial 0x82F63B78, one byte at a time. */
static const uint32_t crc_table[256] = {
    0x00000000u, 0xf26b8303u, 0xe13b70f7u, 0x1350f3f4u, 0xc79a971fu, 0x35f1141cu, 0x26a1e7e8u,
    0xd4ca64ebu, 0x8ad958cfu, 0x78b2dbccu, 0x6be22838u, 0x9989ab3bu, 0x4d43cfd0u, 0xbf284cd3u,
    0xac78bf27u, 0x5e133c24u, 0x105ec76fu, 0xe235446cu, 0xf165b798u, 0x030e349bu, 0xd7c45070u,
    0x25afd373u, 0x36ff2087u, 0xc494a384u, 0x9a879fa0u, 0x68ec1ca3u, 0x7bbcef57u, 0x89d76c54u,
    0x5d1d08bfu, 0xaf768bbcu, 0xbc267848u, 0x4e4dfb4bu, 0x20bd8edeu, 0xd2d60dddu, 0xc186fe29u,
    0x33ed7d2au, 0xe72719c1u, 0x154c9ac2u, 0x061c6936u, 0xf477ea35u, 0xaa64d611u, 0x580f5512u,
    0x4b5fa6e6u, 0xb93425e5u, 0x6dfe410eu, 0x9f95c20du, 0x8cc531f9u, 0x7eaeb2fau, 0x30e349b1u,
    0xc288cab2u, 0xd1d83946u, 0x23b3ba45u, 0xf779deaeu, 0x05125dadu, 0x1642ae59u, 0xe4292d5au,
    0xba3a117eu, 0x4851927du, 0x5b016189u, 0xa96ae28au, 0x7da08661u, 0x8fcb0562u, 0x9c9bf696u,
    0x6ef07595u, 0x417b1dbcu, 0xb3109ebfu, 0xa0406d4bu, 0x522bee48u, 0x86e18aa3u, 0x748a09a0u,
    0x67dafa54u, 0x95b17957u, 0xcba24573u, 0x39c9c670u, 0x2a993584u, 0xd8f2b687u, 0x0c38d26cu,
    0xfe53516fu, 0xed03a29bu, 0x1f682198u, 0x5125dad3u, 0xa34e59d0u, 0xb01eaa24u, 0x42752927u,
    0x96bf4dccu, 0x64d4cecfu, 0x77843d3bu, 0x85efbe38u, 0xdbfc821cu, 0x2997011fu, 0x3ac7f2ebu,
    0xc8ac71e8u, 0x1c661503u, 0xee0d9600u, 0xfd5d65f4u, 0x0f36e6f7u, 0x61c69362u, 0x93ad1061u,
    0x80fde395u, 0x72966096u, 0xa65c047du, 0x5437877eu, 0x4767748au, 0xb50cf789u, 0xeb1fcbadu,
    0x197448aeu, 0x0a24bb5au, 0xf84f3859u, 0x2c855cb2u, 0xdeeedfb1u, 0xcdbe2c45u, 0x3fd5af46u,
    0x7198540du, 0x83f3d70eu, 0x90a324fau, 0x62c8a7f9u, 0xb602c312u, 0x44694011u, 0x5739b3e5u,
    0xa55230e6u, 0xfb410cc2u, 0x092a8fc1u, 0x1a7a7c35u, 0xe811ff36u, 0x3cdb9bddu, 0xceb018deu,
    0xdde0eb2au, 0x2f8b6829u, 0x82f63b78u, 0x709db87bu, 0x63cd4b8fu, 0x91a6c88cu, 0x456cac67u,
    0xb7072f64u, 0xa457dc90u, 0x563c5f93u, 0x082f63b7u, 0xfa44e0b4u, 0xe9141340u, 0x1b7f9043u,
    0xcfb5f4a8u, 0x3dde77abu, 0x2e8e845fu, 0xdce5075cu, 0x92a8fc17u, 0x60c37f14u, 0x73938ce0u,
    0x81f80fe3u, 0x55326b08u, 0xa759e80bu, 0xb4091bffu, 0x466298fcu, 0x1871a4d8u, 0xea1a27dbu,
    0xf94ad42fu, 0x0b21572cu, 0xdfeb33c7u, 0x2d80b0c4u, 0x3ed04330u, 0xccbbc033u, 0xa24bb5a6u,
    0x502036a5u, 0x4370c551u, 0xb11b4652u, 0x65d122b9u, 0x97baa1bau, 0x84ea524eu, 0x7681d14du,
    0x2892ed69u, 0xdaf96e6au, 0xc9a99d9eu, 0x3bc21e9du, 0xef087a76u, 0x1d63f975u, 0x0e330a81u,
    0xfc588982u, 0xb21572c9u, 0x407ef1cau, 0x532e023eu, 0xa145813du, 0x758fe5d6u, 0x87e466d5u,
    0x94b49521u, 0x66df1622u, 0x38cc2a06u, 0xcaa7a905u, 0xd9f75af1u, 0x2b9cd9f2u, 0xff56bd19u,
    0x0d3d3e1au, 0x1e6dcdeeu, 0xec064eedu, 0xc38d26c4u, 0x31e6a5c7u, 0x22b65633u, 0xd0ddd530u,
    0x0417b1dbu, 0xf67c32d8u, 0xe52cc12cu, 0x1747422fu, 0x49547e0bu, 0xbb3ffd08u, 0xa86f0efcu,
    0x5a048dffu, 0x8ecee914u, 0x7ca56a17u, 0x6ff599e3u, 0x9d9e1ae0u, 0xd3d3e1abu, 0x21b862a8u,
    0x32e8915cu, 0xc083125fu, 0x144976b4u, 0xe622f5b7u, 0xf5720643u, 0x07198540u, 0x590ab964u,
    0xab613a67u, 0xb831c993u, 0x4a5a4a90u, 0x9e902e7bu, 0x6cfbad78u, 0x7fab5e8cu, 0x8dc0dd8fu,
    0xe330a81au, 0x115b2b19u, 0x020bd8edu, 0xf0605beeu, 0x24aa3f05u, 0xd6c1bc06u, 0xc5914ff2u,
    0x37faccf1u, 0x69e9f0d5u, 0x9b8273d6u, 0x88d28022u, 0x7ab90321u, 0xae7367cau, 0x5c18e4c9u,
    0x4f48173du, 0xbd23943eu, 0xf36e6f75u, 0x0105ec76u, 0x12551f82u, 0xe03e9c81u, 0x34f4f86au,
    0xc69f7b69u, 0xd5cf889du, 0x27a40b9eu, 0x79b737bau, 0x8bdcb4b9u, 0x988c474du, 0x6ae7c44eu,
    0xbe2da0a5u, 0x4c4623a6u, 0x5f16d052u, 0xad7d5351u,
};

uint32_t izde_crc32c(uint32_t crc, const void *data, size_t len)
{
    const unsigned char *p = data;
    crc = ~crc;
    for (size_t i = 0; i < len; i++)
        crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

struct izde_journal {
    char *dir;
    pthread_mutex_t mu;      /* appends, the segment list and the current segment */
    pthread_mutex_t sync_mu; /* one fdatasync at a time */
    int fd;                  /* the segment written to, O_APPEND */
    uint64_t *segs;          /* first sequence number of each segment, ascending */
    size_t n_segs, cap_segs;
    uint64_t cur_size; /* bytes of the current segment (the last of segs) */
    uint64_t last_seq, synced_seq;
};

struct izde_journal_cursor {
    izde_journal *j;
    int fd;
    uint64_t seg, off; /* segment being read (its first sequence number) and position in it */
    uint64_t next_seq; /* records before this are skipped */
    char *buf;
    size_t cap;
};

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static char *segment_path(const char *dir, uint64_t first)
{
    size_t n = strlen(dir) + 32;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/" NAME_FORMAT, dir, first);
    return p;
}

static izde_status io_error(izde_error *err, const char *what, const char *path)
{
    return izde_error_set(err, IZDE_ERR_IO, "cannot %s journal %s: %s", what, path,
                          strerror(errno));
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd); /* a created or removed segment name survives a crash */
        close(fd);
    }
}

static int read_full(int fd, void *buf, size_t len, uint64_t off)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        done += (size_t)n;
    }
    return 1;
}

/* Reads the record at off. Returns 1 with *out filled and *out_next the offset after it, 0 at
 * the end of the segment or at a torn or damaged record. The payload goes into *buf. */
static int read_record(int fd, uint64_t off, char **buf, size_t *cap, izde_journal_record *out,
                       uint64_t *out_next)
{
    unsigned char h[HEADER_LEN];
    if (!read_full(fd, h, HEADER_LEN, off))
        return 0;
    uint32_t len = get32(h), crc = get32(h + 4);
    if (len > IZDE_JOURNAL_PAYLOAD_MAX ||
        (h[16] != IZDE_JOURNAL_PUT && h[16] != IZDE_JOURNAL_DELETE))
        return 0;
    if (*cap < (size_t)len + 1) {
        char *grown = realloc(*buf, (size_t)len + 1);
        if (!grown)
            return -1;
        *buf = grown;
        *cap = (size_t)len + 1;
    }
    if (!read_full(fd, *buf, len, off + HEADER_LEN))
        return 0;
    uint32_t c = izde_crc32c(0, h + 8, 9);
    if (izde_crc32c(c, *buf, len) != crc)
        return 0;
    (*buf)[len] = '\0';
    *out = (izde_journal_record){get64(h + 8), (izde_journal_kind)h[16], *buf, len};
    *out_next = off + HEADER_LEN + len;
    return 1;
}

static izde_status add_segment(izde_journal *j, uint64_t first, izde_error *err)
{
    if (j->n_segs == j->cap_segs) {
        size_t cap = j->cap_segs ? 2 * j->cap_segs : 16;
        uint64_t *grown = realloc(j->segs, cap * sizeof *grown);
        if (!grown)
            return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        j->segs = grown;
        j->cap_segs = cap;
    }
    j->segs[j->n_segs++] = first;
    return IZDE_OK;
}

/* Checks one segment and cuts it after its last good record. Sets *last to the sequence
 * number of that record (unchanged when it has none), *out_size to its length in bytes and
 * *out_records to the number of records. A file too short to hold the magic is emptied. */
static izde_status scan_segment(const char *path, uint64_t first, uint64_t *last,
                                uint64_t *out_size, uint64_t *out_records, izde_error *err)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return io_error(err, "open", path);
    izde_status st = IZDE_OK;
    char magic[MAGIC_LEN], *buf = NULL;
    size_t cap = 0;
    uint64_t off = MAGIC_LEN, records = 0, expect = first;
    if (!read_full(fd, magic, MAGIC_LEN, 0)) {
        off = 0; /* created and never written: a crash at its creation */
    } else if (memcmp(magic, MAGIC, MAGIC_LEN) != 0) {
        st = izde_error_set(err, IZDE_ERR_DB_CORRUPT, "%s is not an izde journal segment", path);
        goto out;
    }
    for (;;) {
        izde_journal_record r;
        uint64_t next = 0;
        int got = off ? read_record(fd, off, &buf, &cap, &r, &next) : 0;
        if (got < 0) {
            st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
            goto out;
        }
        if (!got || r.seq != expect)
            break;
        off = next;
        *last = r.seq;
        expect++;
        records++;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 ||
        ((uint64_t)sb.st_size != off && (ftruncate(fd, (off_t)off) != 0 || fsync(fd) != 0))) {
        st = io_error(err, "cut the torn tail of", path);
        goto out;
    }
    *out_size = off;
    *out_records = records;
out:
    free(buf);
    close(fd);
    return st;
}

static int segment_name(const char *name, uint64_t *out_first)
{
    size_t n = strlen(name);
    if (n != 24 || strcmp(name + 20, ".log") != 0 || strspn(name, "0123456789") != 20)
        return 0;
    *out_first = strtoull(name, NULL, 10);
    return *out_first > 0;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static izde_status list_segments(izde_journal *j, izde_error *err)
{
    DIR *d = opendir(j->dir);
    if (!d)
        return io_error(err, "list", j->dir);
    izde_status st = IZDE_OK;
    struct dirent *de;
    while (st == IZDE_OK && (de = readdir(d)) != NULL) {
        uint64_t first;
        if (segment_name(de->d_name, &first))
            st = add_segment(j, first, err);
    }
    closedir(d);
    if (j->n_segs)
        qsort(j->segs, j->n_segs, sizeof *j->segs, compare_u64);
    return st;
}

/* Creates the segment whose first record will be first, and makes it the one written to. */
static izde_status create_segment(izde_journal *j, uint64_t first, izde_error *err)
{
    char *path = segment_path(j->dir, first);
    if (!path)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    izde_status st = IZDE_OK;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0 || write(fd, MAGIC, MAGIC_LEN) != MAGIC_LEN || fdatasync(fd) != 0) {
        st = io_error(err, "create", path);
        if (fd >= 0)
            close(fd);
        unlink(path);
    }
    if (st == IZDE_OK) {
        sync_dir(j->dir);
        if (j->fd >= 0)
            close(j->fd);
        j->fd = fd;
        j->cur_size = MAGIC_LEN;
        if (!j->n_segs || j->segs[j->n_segs - 1] != first)
            st = add_segment(j, first, err);
    }
    free(path);
    return st;
}

/* Scans every segment in order and opens the one to write. A segment may start past the end
 * of the one before (izde_journal_continue_after()), never inside it. */
static izde_status recover(izde_journal *j, izde_error *err)
{
    izde_status st = list_segments(j, err);
    uint64_t last = 0, size = 0, records = 0;
    for (size_t i = 0; st == IZDE_OK && i < j->n_segs; i++) {
        if (j->segs[i] <= last)
            return izde_error_set(err, IZDE_ERR_DB_CORRUPT,
                                  "journal %s: segment " NAME_FORMAT " overlaps record %" PRIu64,
                                  j->dir, j->segs[i], last);
        char *path = segment_path(j->dir, j->segs[i]);
        if (!path)
            return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        last = j->segs[i] - 1;
        st = scan_segment(path, j->segs[i], &last, &size, &records, err);
        free(path);
    }
    if (st != IZDE_OK)
        return st;
    j->last_seq = j->synced_seq = last;
    if (j->n_segs && records == 0 && size == 0)
        j->n_segs--; /* an empty file: made again below */
    if (j->n_segs && records == 0) {
        /* the last segment holds no record: write into it rather than beside it */
        char *path = segment_path(j->dir, j->segs[j->n_segs - 1]);
        if (!path)
            return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        j->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
        st = j->fd < 0 ? io_error(err, "open", path) : IZDE_OK;
        j->cur_size = size;
        free(path);
        return st;
    }
    return create_segment(j, last + 1, err);
}

izde_status izde_journal_open(const char *dir, izde_journal **out_journal, izde_error *err)
{
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        return io_error(err, "create", dir);
    izde_journal *j = calloc(1, sizeof *j);
    if (!j || !(j->dir = strdup(dir))) {
        free(j);
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    j->fd = -1;
    if (pthread_mutex_init(&j->mu, NULL) != 0) {
        free(j->dir);
        free(j);
        return izde_error_set(err, IZDE_ERR_INTERNAL, "cannot make the journal's lock");
    }
    if (pthread_mutex_init(&j->sync_mu, NULL) != 0) {
        pthread_mutex_destroy(&j->mu);
        free(j->dir);
        free(j);
        return izde_error_set(err, IZDE_ERR_INTERNAL, "cannot make the journal's lock");
    }
    izde_status st = recover(j, err);
    if (st != IZDE_OK) {
        izde_journal_close(j);
        return st;
    }
    *out_journal = j;
    return IZDE_OK;
}

void izde_journal_close(izde_journal *j)
{
    if (!j)
        return;
    if (j->fd >= 0)
        close(j->fd);
    pthread_mutex_destroy(&j->mu);
    pthread_mutex_destroy(&j->sync_mu);
    free(j->segs);
    free(j->dir);
    free(j);
}

uint64_t izde_journal_last_seq(izde_journal *j)
{
    pthread_mutex_lock(&j->mu);
    uint64_t seq = j->last_seq;
    pthread_mutex_unlock(&j->mu);
    return seq;
}

/* Writes header and payload with one writev (O_APPEND); a short write is cut off again. */
static izde_status write_record(izde_journal *j, const unsigned char *h, const char *data,
                                size_t len, izde_error *err)
{
    struct iovec iov[2] = {{(void *)h, HEADER_LEN}, {(void *)data, len}};
    size_t want = HEADER_LEN + len;
    ssize_t n;
    do
        n = writev(j->fd, iov, 2);
    while (n < 0 && errno == EINTR);
    if (n == (ssize_t)want)
        return IZDE_OK;
    int e = n < 0 ? errno : ENOSPC;
    if (ftruncate(j->fd, (off_t)j->cur_size) != 0)
        e = errno;
    errno = e;
    return io_error(err, "append to", j->dir);
}

izde_status izde_journal_append(izde_journal *j, izde_journal_kind kind, const char *data,
                                size_t len, uint64_t *out_seq, izde_error *err)
{
    if (len > IZDE_JOURNAL_PAYLOAD_MAX || (kind != IZDE_JOURNAL_PUT && kind != IZDE_JOURNAL_DELETE))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "a journal record is at most %u bytes",
                              IZDE_JOURNAL_PAYLOAD_MAX);
    unsigned char h[HEADER_LEN];
    izde_status st = IZDE_OK;
    pthread_mutex_lock(&j->mu);
    if (j->cur_size >= SEGMENT_TARGET) {
        /* the records of the full segment are made durable before it is left behind, since
         * izde_journal_sync() flushes only the segment written to */
        if (fdatasync(j->fd) != 0)
            st = io_error(err, "sync", j->dir);
        if (st == IZDE_OK)
            st = create_segment(j, j->last_seq + 1, err);
    }
    uint64_t seq = j->last_seq + 1;
    put32(h, (uint32_t)len);
    put64(h + 8, seq);
    h[16] = (unsigned char)kind;
    put32(h + 4, izde_crc32c(izde_crc32c(0, h + 8, 9), data, len));
    if (st == IZDE_OK)
        st = write_record(j, h, data, len, err);
    if (st == IZDE_OK) {
        j->last_seq = seq;
        j->cur_size += HEADER_LEN + len;
    }
    pthread_mutex_unlock(&j->mu);
    if (st == IZDE_OK && out_seq)
        *out_seq = seq;
    return st;
}

izde_status izde_journal_sync(izde_journal *j, uint64_t seq, izde_error *err)
{
    izde_status st = IZDE_OK;
    pthread_mutex_lock(&j->sync_mu);
    if (j->synced_seq < seq) {
        pthread_mutex_lock(&j->mu);
        uint64_t target = j->last_seq;
        int fd = dup(j->fd); /* the segment may be left behind meanwhile; its fd closed */
        pthread_mutex_unlock(&j->mu);
        if (fd < 0 || fdatasync(fd) != 0)
            st = io_error(err, "sync", j->dir);
        else
            j->synced_seq = target;
        if (fd >= 0)
            close(fd);
    }
    pthread_mutex_unlock(&j->sync_mu);
    return st;
}

izde_status izde_journal_continue_after(izde_journal *j, uint64_t seq, izde_error *err)
{
    izde_status st = IZDE_OK;
    pthread_mutex_lock(&j->mu);
    if (j->last_seq < seq) {
        uint64_t empty = j->cur_size == MAGIC_LEN ? j->segs[j->n_segs - 1] : 0;
        st = create_segment(j, seq + 1, err);
        if (st == IZDE_OK && empty) { /* the segment left holds no record: not kept */
            char *path = segment_path(j->dir, empty);
            if (path)
                unlink(path);
            free(path);
            memmove(j->segs + j->n_segs - 2, j->segs + j->n_segs - 1, sizeof *j->segs);
            j->n_segs--;
        }
        if (st == IZDE_OK)
            j->last_seq = j->synced_seq = seq;
    }
    pthread_mutex_unlock(&j->mu);
    return st;
}

izde_status izde_journal_index_seq(const char *db, uint64_t *out_seq, izde_error *err)
{
    izde_xreader *r = NULL;
    char *text = NULL;
    *out_seq = 0;
    izde_status st = izde_xreader_open(db, &r, err);
    if (st == IZDE_OK)
        st = izde_xreader_metadata(r, IZDE_META_JOURNAL, &text, err);
    if (st == IZDE_OK && text[0])
        *out_seq = strtoull(text, NULL, 10);
    free(text);
    izde_xreader_close(r);
    return st;
}

izde_status izde_journal_cursor_open(izde_journal *j, uint64_t after,
                                     izde_journal_cursor **out_cursor, izde_error *err)
{
    izde_journal_cursor *c = calloc(1, sizeof *c);
    if (!c)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    c->j = j;
    c->fd = -1;
    c->next_seq = after + 1;
    pthread_mutex_lock(&j->mu);
    /* the last segment that starts at or before the first record wanted (records dropped
     * already cannot be read: the cursor then starts at the oldest kept) */
    c->seg = j->n_segs ? j->segs[0] : 0;
    for (size_t i = 0; i < j->n_segs && j->segs[i] <= c->next_seq; i++)
        c->seg = j->segs[i];
    pthread_mutex_unlock(&j->mu);
    *out_cursor = c;
    return IZDE_OK;
}

void izde_journal_cursor_close(izde_journal_cursor *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    free(c->buf);
    free(c);
}

/* How far the cursor's segment may be read, and the segment after it (0 when none). */
static void segment_bounds(izde_journal_cursor *c, uint64_t *out_end, uint64_t *out_next)
{
    izde_journal *j = c->j;
    *out_end = UINT64_MAX; /* a segment left behind is complete: read it to its end */
    *out_next = 0;
    pthread_mutex_lock(&j->mu);
    for (size_t i = 0; i < j->n_segs; i++) {
        if (j->segs[i] != c->seg)
            continue;
        if (i + 1 == j->n_segs)
            *out_end = j->cur_size; /* only what was appended whole */
        else
            *out_next = j->segs[i + 1];
        break;
    }
    pthread_mutex_unlock(&j->mu);
}

izde_status izde_journal_next(izde_journal_cursor *c, izde_journal_record *out_record,
                              int *out_more, izde_error *err)
{
    *out_more = 0;
    while (c->seg) {
        if (c->fd < 0) {
            char *path = segment_path(c->j->dir, c->seg);
            if (!path)
                return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
            c->fd = open(path, O_RDONLY | O_CLOEXEC);
            izde_status st = c->fd < 0 ? io_error(err, "open", path) : IZDE_OK;
            free(path);
            if (st != IZDE_OK)
                return st;
            c->off = MAGIC_LEN;
        }
        uint64_t end, next_seg, after = 0;
        segment_bounds(c, &end, &next_seg);
        int got = 0;
        if (c->off + HEADER_LEN <= end) {
            got = read_record(c->fd, c->off, &c->buf, &c->cap, out_record, &after);
            if (got < 0)
                return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
        }
        if (got && after <= end) {
            c->off = after;
            if (out_record->seq < c->next_seq)
                continue;
            c->next_seq = out_record->seq + 1;
            *out_more = 1;
            return IZDE_OK;
        }
        if (!next_seg)
            return IZDE_OK; /* everything appended so far was read */
        close(c->fd);
        c->fd = -1;
        c->seg = next_seg;
    }
    return IZDE_OK;
}

izde_status izde_journal_drop(izde_journal *j, uint64_t seq, unsigned *out_dropped, izde_error *err)
{
    izde_status st = IZDE_OK;
    unsigned dropped = 0;
    pthread_mutex_lock(&j->mu);
    /* segment i holds the records up to the first of segment i + 1, less one */
    while (j->n_segs > 1 && j->segs[1] - 1 <= seq) {
        char *path = segment_path(j->dir, j->segs[0]);
        if (!path) {
            st = izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
            break;
        }
        if (unlink(path) != 0 && errno != ENOENT)
            st = io_error(err, "remove", path);
        free(path);
        if (st != IZDE_OK)
            break;
        memmove(j->segs, j->segs + 1, (j->n_segs - 1) * sizeof *j->segs);
        j->n_segs--;
        dropped++;
    }
    pthread_mutex_unlock(&j->mu);
    if (dropped)
        sync_dir(j->dir);
    if (out_dropped)
        *out_dropped = dropped;
    return st;
}

static char *writer_path(const char *dir)
{
    size_t n = strlen(dir) + sizeof WRITER_NAME + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, WRITER_NAME);
    return p;
}

izde_status izde_journal_writer_lock(const char *dir, int *out_fd, izde_error *err)
{
    char *path = writer_path(dir);
    if (!path)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    izde_status st = IZDE_OK;
    if (fd < 0) {
        st = io_error(err, "open the writer lock of", dir);
    } else if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        st = errno == EWOULDBLOCK
                 ? izde_error_set(err, IZDE_ERR_DB_LOCKED,
                                  "another izde-searchd accepts writes to %s (%s)", dir, path)
                 : io_error(err, "lock", path);
        close(fd);
    } else {
        *out_fd = fd;
    }
    free(path);
    return st;
}

izde_status izde_journal_writer_active(const char *dir, int *out_active, izde_error *err)
{
    *out_active = 0;
    char *path = writer_path(dir);
    if (!path)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    izde_status st = IZDE_OK;
    if (fd < 0 && errno != ENOENT) {
        st = io_error(err, "open the writer lock of", dir);
    } else if (fd >= 0) {
        if (flock(fd, LOCK_SH | LOCK_NB) != 0)
            *out_active = errno == EWOULDBLOCK;
        close(fd); /* releases the shared lock, if it was taken */
    }
    free(path);
    return st;
}
