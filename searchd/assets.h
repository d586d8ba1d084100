/* searchd/assets.h — the demo page and its static files, compiled into the binary.
 *
 * Design: at build time CMake (embed.cmake) turns each file of searchd/web/ into a byte array
 * in a generated assets.c, with its content type and an ETag taken from the file's MD5, so the
 * daemon needs no file at run time. web/index.html is served at "/", every other file at
 * "/static/NAME".
 */
#ifndef SD_ASSETS_H
#define SD_ASSETS_H

#include <stddef.h>

typedef struct sd_asset {
    const char *path;         /* "/" or "/static/NAME" */
    const char *content_type; /* with charset for text */
    const char *etag;         /* quoted */
    const unsigned char *data;
    size_t len;
} sd_asset;

extern const sd_asset sd_assets[];
extern const size_t sd_n_assets;

#endif
