/* The connection guard of izde-searchd (searchd/guard.h) on real loopback TCP connections:
 * the request deadline from the opening and from a later request's first byte, idle keep-alive
 * connections left alone, shedding of the oldest waiting connections of one event thread only,
 * connections being answered never touched. Times are given, not waited for. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guard.h"

#define S 1000000000ull /* a second in nanoseconds */
#define T0 (1000 * S)   /* any start time */

/* A connected pair: *server as accept() gave it, *client the other end. */
static void tcp_pair(int *server, int *client)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(l, 4), 0);
    assert_int_equal(getsockname(l, (struct sockaddr *)&a, &len), 0);
    *client = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(*client, (struct sockaddr *)&a, sizeof a), 0);
    *server = accept(l, NULL, NULL);
    assert_true(*server >= 0);
    close(l);
}

/* Whether the server end was shut down: the client reads the end of the stream. */
static int shut_down(int client)
{
    struct pollfd p = {.fd = client, .events = POLLIN};
    if (poll(&p, 1, 200) != 1)
        return 0;
    char b;
    return recv(client, &b, 1, MSG_DONTWAIT) == 0;
}

/* Sends a byte and waits until the server's kernel has it. */
static void send_byte(int client, int server)
{
    assert_int_equal(send(client, "G", 1, 0), 1);
    struct pollfd p = {.fd = server, .events = POLLIN};
    assert_int_equal(poll(&p, 1, 2000), 1);
}

/* A guard for one thread (100 connections, a 10 s deadline) and one connection opened at T0. */
static sd_conn *open_one(sd_guard *g, int *srv, int *cli)
{
    assert_int_equal(sd_guard_init(g, 1, 100, 10, NULL), IZDE_OK);
    tcp_pair(srv, cli);
    sd_conn *c = sd_guard_open(g, g, *srv, T0);
    assert_non_null(c);
    return c;
}

static void close_one(sd_guard *g, sd_conn *c, int srv, int cli)
{
    sd_guard_close(g, c);
    sd_guard_free(g);
    close(srv);
    close(cli);
}

static void test_mark(void **state)
{
    (void)state;
    assert_int_equal(sd_guard_mark(2, 1024), 512 - 33);
    assert_int_equal(sd_guard_mark(4, 1024), 256 - 17);
    assert_int_equal(sd_guard_mark(1, 4), 3);
    assert_int_equal(sd_guard_mark(1, 1), 0);
}

static void test_deadline_from_opening(void **state)
{
    (void)state;
    sd_guard g;
    int srv, cli;
    sd_conn *c = open_one(&g, &srv, &cli);
    sd_guard_sweep(&g, T0 + 9 * S);
    assert_false(shut_down(cli));
    sd_guard_sweep(&g, T0 + 11 * S); /* nothing sent at all: still a request overdue */
    assert_true(shut_down(cli));
    sd_guard_counts n;
    sd_guard_take_counts(&g, &n);
    assert_int_equal(n.cut, 1);
    assert_int_equal(n.open, 1);
    close_one(&g, c, srv, cli);
}

/* The sweeper reads the clock before it takes the guard's lock, so a connection may open
 * after that reading, with a later time: it is young, not overdue by a wrapped difference. */
static void test_connection_newer_than_the_sweep(void **state)
{
    (void)state;
    sd_guard g;
    int srv, cli;
    sd_conn *c = open_one(&g, &srv, &cli);
    sd_guard_sweep(&g, T0 - 1);
    assert_false(shut_down(cli));
    sd_guard_counts n;
    sd_guard_take_counts(&g, &n);
    assert_int_equal(n.cut, 0);
    close_one(&g, c, srv, cli);
}

static void test_keepalive_idle_then_deadline_from_first_byte(void **state)
{
    (void)state;
    sd_guard g;
    int srv, cli;
    sd_conn *c = open_one(&g, &srv, &cli);
    send_byte(cli, srv); /* the first request... */
    sd_guard_answering(&g, c);
    sd_guard_sweep(&g, T0 + 20 * S); /* ...answered slowly: never cut while answering */
    assert_false(shut_down(cli));
    sd_guard_answered(&g, c, T0 + 20 * S);
    sd_guard_sweep(&g, T0 + 100 * S); /* idle: left to --timeout */
    assert_false(shut_down(cli));
    send_byte(cli, srv); /* the next request begins */
    sd_guard_sweep(&g, T0 + 101 * S);
    sd_guard_sweep(&g, T0 + 110 * S);
    assert_false(shut_down(cli));
    send_byte(cli, srv); /* trickling does not extend the deadline */
    sd_guard_sweep(&g, T0 + 112 * S);
    assert_true(shut_down(cli));
    close_one(&g, c, srv, cli);
}

/* Closes n guarded connections (a NULL record: closed already) and both ends of each. */
static void close_all(sd_guard *g, sd_conn **c, const int *srv, const int *cli, int n)
{
    for (int i = 0; i < n; i++) {
        sd_guard_close(g, c[i]);
        close(srv[i]);
        close(cli[i]);
    }
}

static void test_shed_oldest_waiting_of_one_thread(void **state)
{
    (void)state;
    sd_guard g;
    /* two threads sharing 8 connections: 4 each, shedding above 3 */
    assert_int_equal(sd_guard_init(&g, 2, 8, 10, NULL), IZDE_OK);
    int one = 1, two = 2; /* the threads' identities */
    int srv[6], cli[6];
    sd_conn *c[6];
    for (int i = 0; i < 6; i++)
        tcp_pair(&srv[i], &cli[i]);
    c[5] = sd_guard_open(&g, &two, srv[5], T0); /* the oldest of all, on the other thread */
    for (int i = 0; i < 3; i++)
        c[i] = sd_guard_open(&g, &one, srv[i], T0 + (uint64_t)(i + 1) * S);
    sd_guard_answering(&g, c[0]);            /* the oldest of thread one, being answered */
    sd_guard_answered(&g, c[1], T0 + 5 * S); /* waits since 5 s: now younger than c[2] */
    for (int i = 0; i < 6; i++)
        assert_false(shut_down(cli[i]));
    c[3] = sd_guard_open(&g, &one, srv[3], T0 + 6 * S); /* 4 > 3: c[2] goes */
    assert_true(shut_down(cli[2]));
    c[4] = sd_guard_open(&g, &one, srv[4], T0 + 7 * S); /* then c[1] */
    assert_true(shut_down(cli[1]));
    assert_false(shut_down(cli[0]));
    assert_false(shut_down(cli[3]));
    assert_false(shut_down(cli[4]));
    assert_false(shut_down(cli[5]));
    sd_guard_counts n;
    sd_guard_take_counts(&g, &n);
    assert_int_equal(n.shed, 2);
    assert_int_equal(n.open, 6);
    close_all(&g, c, srv, cli, 6);
    sd_guard_take_counts(&g, &n);
    assert_int_equal(n.open, 0);
    sd_guard_free(&g);
}

/* A connection is alone when no other is open on its event thread (the server then answers it
 * on that thread, keeping no one waiting). */
static void test_alone_on_its_thread(void **state)
{
    (void)state;
    sd_guard g;
    assert_int_equal(sd_guard_init(&g, 2, 8, 10, NULL), IZDE_OK);
    int one = 1, two = 2; /* the threads' identities */
    int srv[3], cli[3];
    sd_conn *c[3];
    for (int i = 0; i < 3; i++)
        tcp_pair(&srv[i], &cli[i]);
    c[0] = sd_guard_open(&g, &one, srv[0], T0);
    c[2] = sd_guard_open(&g, &two, srv[2], T0);
    assert_true(sd_guard_alone(&g, c[0]));
    c[1] = sd_guard_open(&g, &one, srv[1], T0 + S);
    assert_false(sd_guard_alone(&g, c[0]));
    assert_false(sd_guard_alone(&g, c[1]));
    assert_true(sd_guard_alone(&g, c[2]));
    sd_guard_close(&g, c[0]);
    c[0] = NULL;
    assert_true(sd_guard_alone(&g, c[1]));
    assert_false(sd_guard_alone(&g, NULL));
    close_all(&g, c, srv, cli, 3);
    sd_guard_free(&g);
}

static void test_null_records(void **state)
{
    (void)state;
    sd_guard g;
    assert_int_equal(sd_guard_init(&g, 1, 10, 10, NULL), IZDE_OK);
    sd_guard_answering(&g, NULL);
    sd_guard_answered(&g, NULL, T0);
    sd_guard_close(&g, NULL);
    sd_guard_free(&g);
    sd_guard_free(&g); /* freed twice: a no-op */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mark),
        cmocka_unit_test(test_deadline_from_opening),
        cmocka_unit_test(test_connection_newer_than_the_sweep),
        cmocka_unit_test(test_keepalive_idle_then_deadline_from_first_byte),
        cmocka_unit_test(test_shed_oldest_waiting_of_one_thread),
        cmocka_unit_test(test_alone_on_its_thread),
        cmocka_unit_test(test_null_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
