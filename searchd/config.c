/* Settings: one table of names for the options and the config file. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <izde/number.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum setting {
    SET_DB,
    SET_LISTEN,
    SET_THREADS,
    SET_CORS,
    SET_MAX_CONNECTIONS,
    SET_PER_IP,
    SET_TIMEOUT,
    SET_REQUEST_TIMEOUT,
    SET_MAX_HEADER,
    SET_ADMIN_KEY_FILE, /* these two from the config file only */
    SET_SEARCH_KEY_FILE,
    SET_COUNT
} setting;

static const char *const names[SET_COUNT] = {"db",
                                             "listen",
                                             "threads",
                                             "cors-origin",
                                             "max-connections",
                                             "per-ip-limit",
                                             "timeout",
                                             "request-timeout",
                                             "max-header-size",
                                             "admin-key-file",
                                             "search-key-file"};

izde_status sd_config_init(sd_config *cfg, izde_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->listen = strdup(SD_DEFAULT_LISTEN);
    cfg->max_connections = SD_DEFAULT_MAX_CONNECTIONS;
    cfg->per_ip_limit = SD_DEFAULT_PER_IP_LIMIT;
    cfg->timeout = SD_DEFAULT_TIMEOUT;
    cfg->request_timeout = SD_DEFAULT_REQUEST_TIMEOUT;
    cfg->max_header_kib = SD_DEFAULT_MAX_HEADER_KIB;
    if (!cfg->listen) {
        sd_config_free(cfg);
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    }
    return IZDE_OK;
}

void sd_config_free(sd_config *cfg)
{
    free(cfg->db);
    free(cfg->listen);
    free(cfg->cors_origin);
    free(cfg->config_file);
    free(cfg->admin_key_file);
    free(cfg->search_key_file);
    memset(cfg, 0, sizeof *cfg);
}

static int find_setting(const char *name)
{
    for (int i = 0; i < SET_COUNT; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

static izde_status set_string(char **field, const char *value, izde_error *err)
{
    char *copy = strdup(value);
    if (!copy)
        return izde_error_set(err, IZDE_ERR_NOMEM, "out of memory");
    free(*field);
    *field = copy;
    return IZDE_OK;
}

static izde_status set_number(unsigned *field, const char *value, unsigned min, unsigned max,
                              izde_error *err)
{
    if (!izde_parse_u32(value, min, max, field))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "must be a number from %u to %u", min,
                              max);
    return IZDE_OK;
}

static izde_status apply(sd_config *cfg, setting s, const char *value, izde_error *err)
{
    switch (s) {
    case SET_DB:
        return set_string(&cfg->db, value, err);
    case SET_LISTEN: {
        struct sockaddr_storage ss;
        socklen_t len;
        izde_status rc = sd_listen_parse(value, &ss, &len, err);
        return rc == IZDE_OK ? set_string(&cfg->listen, value, err) : rc;
    }
    case SET_THREADS:
        return set_number(&cfg->threads, value, 0, SD_THREADS_MAX, err);
    case SET_CORS:
        return set_string(&cfg->cors_origin, value, err);
    case SET_MAX_CONNECTIONS:
        return set_number(&cfg->max_connections, value, 1, 100000, err);
    case SET_PER_IP:
        return set_number(&cfg->per_ip_limit, value, 0, 100000, err);
    case SET_TIMEOUT:
        return set_number(&cfg->timeout, value, 1, 3600, err);
    case SET_REQUEST_TIMEOUT:
        return set_number(&cfg->request_timeout, value, 1, 3600, err);
    case SET_MAX_HEADER:
        return set_number(&cfg->max_header_kib, value, SD_MAX_HEADER_KIB_MIN, SD_MAX_HEADER_KIB_MAX,
                          err);
    case SET_ADMIN_KEY_FILE:
        return set_string(&cfg->admin_key_file, value, err);
    case SET_SEARCH_KEY_FILE:
        return set_string(&cfg->search_key_file, value, err);
    default:
        return izde_error_set(err, IZDE_ERR_INTERNAL, "unknown setting");
    }
}

izde_status sd_config_set(sd_config *cfg, const char *name, const char *value, izde_error *err)
{
    int s = find_setting(name);
    if (s < 0)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "unknown setting '%s'", name);
    if (s == SET_ADMIN_KEY_FILE || s == SET_SEARCH_KEY_FILE) /* seen by others in ps */
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "%s is read from the config file only",
                              name);
    izde_status rc = apply(cfg, (setting)s, value, err);
    if (rc == IZDE_OK)
        cfg->from_args |= 1u << s;
    return rc;
}

izde_status sd_config_apply(sd_config *cfg, const izde_config *conf, izde_error *err)
{
    for (int s = 0; s < SET_COUNT; s++) {
        const char *value = izde_config_get(conf, names[s]);
        izde_error why = {0};
        if (s == SET_DB || !value || (cfg->from_args & (1u << s)))
            continue;
        if (apply(cfg, (setting)s, value, &why) != IZDE_OK)
            return izde_config_error(conf, names[s], &why, err);
    }
    if (cfg->from_args & (1u << SET_DB))
        return IZDE_OK;
    return set_string(&cfg->db, izde_config_db(conf, IZDE_DB_DEFAULT), err);
}

/* Splits spec into host and port: "[v6]:port", "host:port" or "port". */
static int split_listen(const char *spec, char *host, size_t hcap, char *port, size_t pcap)
{
    const char *colon;
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (!close || close[1] != ':' || (size_t)(close - spec - 1) >= hcap)
            return 0;
        snprintf(host, hcap, "%.*s", (int)(close - spec - 1), spec + 1);
        colon = close + 1;
    } else if ((colon = strrchr(spec, ':')) != NULL) {
        if (memchr(spec, ':', (size_t)(colon - spec)) || (size_t)(colon - spec) >= hcap ||
            colon == spec)
            return 0; /* an IPv6 address needs brackets; an empty host is not "all" */
        snprintf(host, hcap, "%.*s", (int)(colon - spec), spec);
    } else {
        snprintf(host, hcap, "127.0.0.1");
        colon = spec - 1;
    }
    unsigned p;
    if (!izde_parse_u32(colon + 1, 0, 65535, &p) || strlen(colon + 1) >= pcap)
        return 0;
    snprintf(port, pcap, "%u", p);
    return 1;
}

izde_status sd_listen_parse(const char *spec, struct sockaddr_storage *out, socklen_t *out_len,
                            izde_error *err)
{
    char host[256], port[8];
    if (!split_listen(spec, host, sizeof host, port, sizeof port))
        return izde_error_set(err, IZDE_ERR_INVALID_ARG,
                              "listen address '%s' is not ADDR:PORT, [IPV6]:PORT or PORT", spec);
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0 || !res)
        return izde_error_set(err, IZDE_ERR_INVALID_ARG, "cannot resolve '%s': %s", host,
                              gai_strerror(rc));
    memset(out, 0, sizeof *out);
    memcpy(out, res->ai_addr, res->ai_addrlen);
    *out_len = res->ai_addrlen;
    freeaddrinfo(res);
    return IZDE_OK;
}

void sd_addr_format(const struct sockaddr *sa, unsigned port, char *out, size_t cap)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    if (sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, ip,
                  sizeof ip);
        snprintf(out, cap, "[%s]:%u", ip, port);
    } else {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, ip,
                  sizeof ip);
        snprintf(out, cap, "%s:%u", ip, port);
    }
}
