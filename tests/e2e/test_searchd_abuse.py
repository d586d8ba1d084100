"""izde-searchd under slow and abusive clients (issue 14, point 3), over real sockets.

An attacker process opens about --connections connections from 127.0.0.2 ... 127.0.0.20 and
keeps them busy the way a slowloris does: request headers trickled one line every few seconds
(or one byte at a time), bodies trickled one byte at a time, idle keep-alive connections after
one request, and oversized headers and request targets; whatever the server closes is opened
again after a pause. Meanwhile a legitimate client on 127.0.0.1 searches without pause, on
keep-alive connections and on new ones. Asserted: every legitimate request is answered 200,
p99 latency under 100 ms, trickled requests are cut at the request deadline, oversized ones
get 414/431, shed connections are logged, and the daemon is healthy afterwards.

The daemon starts with the soft limit of open files the test itself started with (the test
raises its own for the attacker's sockets), so raising it is the daemon's job."""
import argparse
import http.client
import multiprocessing
import os
import random
import re
import resource
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

from izde_e2e import Failure, TempDir, check, main, run

ap = argparse.ArgumentParser()
ap.add_argument("--searchd", required=True)
ap.add_argument("--indexer", required=True)
ap.add_argument("--data", required=True)
ap.add_argument("--connections", type=int, default=2000)
ap.add_argument("--seconds", type=float, default=25.0, help="legitimate traffic under attack")
ap.add_argument("--request-timeout", type=int, default=10,
                help="the daemon's default, against which trickled requests are checked")
ap.add_argument("--sanitizer", action="store_true",
                help="a sanitizer build: latency printed, not asserted (see run_all)")
ARGS = ap.parse_args()
STATE = {}
SOURCES = ["127.0.0.%d" % i for i in range(2, 21)]
P99_MAX_MS = 100.0
SOFT_NOFILE = resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Daemon:
    """izde-searchd as a child process with the test's original soft limit of open files. Its
    standard error goes to a file, read when asked: a reader thread in this process would
    compete with the legitimate client for the interpreter."""

    def __init__(self, *args):
        soft, hard = SOFT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        self.log_path = os.path.join(STATE["tmp"], "searchd-%d.log" % len(STATE.setdefault(
            "logs", [])))
        STATE["logs"].append(self.log_path)
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                [ARGS.searchd, *args], stdout=subprocess.DEVNULL, stderr=log,
                preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard)))
        self.port = None
        deadline = time.monotonic() + 30
        while self.port is None and time.monotonic() < deadline and self.proc.poll() is None:
            m = re.search(r"^izde-searchd: listening on http://127\.0\.0\.1:(\d+)/$",
                          self.text(), re.M)
            self.port = int(m.group(1)) if m else None
            time.sleep(0.05)
        check(self.port is not None, "no 'listening on' line: %s" % self.lines()[-20:])

    def text(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def lines(self):
        """The diagnostics (access lines start with the time)."""
        return [l for l in self.text().splitlines() if not re.match(r"^\d{4}-", l)]

    def served_ms(self):
        """The daemon's own time for the legitimate client's requests (their access lines)."""
        return [float(l.rsplit(" ", 1)[1].rstrip("ms")) for l in self.text().splitlines()
                if re.match(r"^\d{4}-", l) and "per_page=5&" in l]

    def cpu_seconds(self):
        """User and system time the daemon has used so far."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Failure("izde-searchd did not stop on SIGTERM")


# ---- the attacker (a process of its own, so that its work does not delay the client's) ----------

KINDS = [("trickle_lines", 0.25), ("trickle_bytes", 0.15), ("trickle_body", 0.20),
         ("idle_keepalive", 0.25), ("big_headers", 0.08), ("big_target", 0.07)]


class Conn:
    def __init__(self, kind, source):
        self.kind, self.source = kind, source
        self.sock, self.out, self.got = None, b"", b""
        self.step, self.due, self.opened, self.established = 0, 0.0, 0.0, False


def first_bytes(kind):
    """What a connection of this kind sends at once; the rest is trickled (step())."""
    if kind in ("trickle_lines", "trickle_bytes"):
        return b"GET /search?q=swimmer HTTP/1.1\r\n"
    if kind == "trickle_body":
        return (b"POST /search HTTP/1.1\r\nHost: izde\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1000000\r\n\r\n{")
    if kind == "idle_keepalive":
        return b"GET /health HTTP/1.1\r\nHost: izde\r\n\r\n"
    if kind == "big_headers":
        return (b"GET /health HTTP/1.1\r\nHost: izde\r\n" +
                b"".join(b"X-Pad-%d: %s\r\n" % (i, b"p" * 1000) for i in range(48)) + b"\r\n")
    return b"GET /search?q=" + b"a" * 40000 + b" HTTP/1.1\r\nHost: izde\r\n\r\n"


INTERVAL = {"trickle_lines": 5.0, "trickle_bytes": 2.0, "trickle_body": 3.0}


def step(c, now):
    """The next trickle of c, or None when it only waits."""
    c.step += 1
    if c.kind not in INTERVAL:
        c.due = now + 3600
        return None
    c.due = now + INTERVAL[c.kind]
    if c.kind == "trickle_lines":
        return b"X-Slow-%d: one line every five seconds\r\n" % c.step
    if c.kind == "trickle_bytes":
        return b"X-Byte: y\r\n"[(c.step - 1) % 11:(c.step - 1) % 11 + 1]
    return b"x"


def attacker(n, port, ready, stop, results):
    os.nice(10)  # the attack only has to be there; the latency measured is the daemon's
    sel = selectors.DefaultSelector()
    rng = random.Random(14)
    kinds = [k for k, share in KINDS for _ in range(round(share * 100))]
    conns = [Conn(kinds[i % len(kinds)], SOURCES[i % len(SOURCES)]) for i in range(n)]
    stats = {"attempts": 0, "closed_by_server": 0, "peak_open": 0, "open": 0, "statuses": {},
             "trickle_life_max": 0.0, "trickle_closed": 0}

    def established(c):
        if not c.established:
            c.established = True
            stats["open"] += 1
            stats["peak_open"] = max(stats["peak_open"], stats["open"])

    def close(c, now, by_server):
        if c.sock is not None:
            sel.unregister(c.sock)
            c.sock.close()
            c.sock = None
            stats["open"] -= c.established
        if by_server and c.established:
            stats["closed_by_server"] += 1
            if c.kind.startswith("trickle"):
                stats["trickle_closed"] += 1
                stats["trickle_life_max"] = max(stats["trickle_life_max"], now - c.opened)
        m = re.match(rb"HTTP/1\.[01] (\d{3})", c.got)
        if m:
            key = "%s %s" % (c.kind, m.group(1).decode())
            stats["statuses"][key] = stats["statuses"].get(key, 0) + 1
        c.due = now + 1.0 + 2.0 * rng.random()  # reopen after a pause

    def open_conn(c, now):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((c.source, 0))
        s.connect_ex(("127.0.0.1", port))
        c.sock, c.out, c.got, c.step = s, first_bytes(c.kind), b"", 0
        c.opened, c.established, c.due = now, False, now + 3600
        stats["attempts"] += 1
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE, c)

    def flush(c, now):
        try:
            sent = c.sock.send(c.out)
            c.out = c.out[sent:]
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            close(c, now, True)
            return
        if not c.out:
            sel.modify(c.sock, selectors.EVENT_READ, c)
            if c.step == 0 and c.kind in INTERVAL:
                c.due = now + INTERVAL[c.kind]

    now = time.monotonic()
    for i, c in enumerate(conns):  # open them all within about a second
        c.due = now + i / n
    ramp_end = now + 1.5
    signalled, next_scan = False, now
    while not stop.is_set():
        now = time.monotonic()
        for key, mask in sel.select(timeout=0.05):
            c = key.data
            if c.sock is None:
                continue
            if mask & selectors.EVENT_WRITE:
                established(c)
                flush(c, now)
                if c.sock is None:
                    continue
            if mask & selectors.EVENT_READ:
                try:
                    data = c.sock.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    close(c, now, True)
                else:
                    established(c)
                    c.got = (c.got + data)[:4096]
        if now < next_scan:
            continue
        next_scan = now + 0.05
        for c in conns:
            if c.due > now:
                continue
            if c.sock is None:
                open_conn(c, now)
            elif not c.out:
                extra = step(c, now)
                if extra:
                    c.out = extra
                    sel.modify(c.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, c)
        if not signalled and now >= ramp_end:
            ready.set()
            signalled = True
    usage = resource.getrusage(resource.RUSAGE_SELF)
    stats["cpu"] = usage.ru_utime + usage.ru_stime
    for c in conns:
        if c.sock is not None:
            c.sock.close()
    results.put(stats)


# ---- the legitimate client ----------------------------------------------------------------------

QUERIES = ["swimmer", "Olympic", "спортсменов", "Қазақстан", "NOC", "boxing", "Tokyo 2020"]


def legitimate(port, seconds):
    """Searches for `seconds`: ten on each keep-alive connection, then a new one. Returns a
    list of (ok, milliseconds, what)."""
    out, conn, used = [], None, 0
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        if conn is None or used >= 10:
            if conn is not None:
                conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5,
                                              source_address=("127.0.0.1", 0))
            used = 0
        q = QUERIES[i % len(QUERIES)]
        i += 1
        t0 = time.monotonic()
        try:
            conn.request("GET", "/search?per_page=5&q=" + urllib.parse.quote(q))
            resp = conn.getresponse()
            resp.read()
            ms = (time.monotonic() - t0) * 1000
            out.append((resp.status == 200, ms, "%s: %d" % (q, resp.status)))
            used += 1
        except (OSError, http.client.HTTPException) as e:
            out.append((False, (time.monotonic() - t0) * 1000, "%s: %r" % (q, e)))
            conn.close()
            conn = None
        time.sleep(0.02)
    if conn is not None:
        conn.close()
    return out


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p))]


def health_ok(port):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/health")
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        return resp.status == 200 and b'"status":"ok"' in body
    except (OSError, http.client.HTTPException):
        return False


def test_legitimate_clients_served_under_attack():
    d = STATE["daemon"]
    ctx = multiprocessing.get_context("fork")
    ready, stop, results = ctx.Event(), ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=attacker, args=(ARGS.connections, d.port, ready, stop, results))
    proc.start()
    try:
        check(ready.wait(30), "the attacker did not start")
        cpu0, t0 = d.cpu_seconds(), time.monotonic()
        got = legitimate(d.port, ARGS.seconds)
        cpu = (d.cpu_seconds() - cpu0) / (time.monotonic() - t0)
    finally:
        stop.set()
        try:
            stats = results.get(timeout=30)
        except Exception:  # noqa: BLE001 - reported below
            stats = None
        proc.join(10)
    check(stats is not None, "the attacker reported nothing")
    ms = [m for ok, m, _ in got if ok]
    failed = [what for ok, _, what in got if not ok]
    p50 = percentile(ms, 0.50) if ms else float("nan")
    p99 = percentile([m for _, m, _ in got], 0.99) if got else float("nan")
    print("      attack: %d connections from %d addresses, %d opened in all, at most %d open "
          "at once, %d closed by the daemon; statuses %s; trickled requests cut after at "
          "most %.1f s" % (ARGS.connections, len(SOURCES), stats["attempts"],
                           stats["peak_open"], stats["closed_by_server"],
                           sorted(stats["statuses"].items()), stats["trickle_life_max"]))
    print("      legitimate: %d requests, %d failed, p50 %.1f ms, p99 %.1f ms, max %.1f ms"
          % (len(got), len(failed), p50, p99, max(m for _, m, _ in got) if got else 0))
    print("      the daemon used %.0f%% of a core meanwhile; the attacker %.1f s of CPU in all"
          % (cpu * 100, stats["cpu"]))
    served = d.served_ms()
    if served:
        print("      the daemon's own time for them: p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (
            percentile(served, 0.5), percentile(served, 0.99), max(served)))
    sheds = [line for line in d.lines() if "shed" in line]
    print("      daemon: %d log lines about shed connections%s" % (
        len(sheds), (", e.g. " + sheds[-1]) if sheds else ""))
    check(len(got) >= ARGS.seconds * 10, "only %d legitimate requests" % len(got))
    check(not failed, "%d of %d legitimate requests failed: %s" % (len(failed), len(got),
                                                                    failed[:5]))
    if ARGS.sanitizer:
        print("      (sanitizer build: p99 not held to %.0f ms)" % P99_MAX_MS)
    else:
        check(p99 < P99_MAX_MS, "p99 %.1f ms >= %.0f ms" % (p99, P99_MAX_MS))
    check(stats["peak_open"] >= 800, "the attack held only %d connections at once"
          % stats["peak_open"])
    for kind, want in (("big_headers", "431"), ("big_target", "414")):
        check(stats["statuses"].get("%s %s" % (kind, want), 0) > 0,
              "%s never answered %s: %s" % (kind, want, stats["statuses"]))
    check(stats["trickle_closed"] > 0 and
          stats["trickle_life_max"] <= ARGS.request_timeout + 3,
          "trickled requests lived %.1f s (request deadline %d s)" % (
              stats["trickle_life_max"], ARGS.request_timeout))
    check(sheds, "no shed connection was logged")
    STATE["attacked"] = True


def test_healthy_after_attack():
    check(STATE.get("attacked"), "the attack did not run")
    d = STATE["daemon"]
    check(d.proc.poll() is None, "izde-searchd exited: %s" % d.lines()[-20:])
    deadline = time.monotonic() + 10
    while not health_ok(d.port) and time.monotonic() < deadline:
        time.sleep(0.2)
    check(health_ok(d.port), "/health after the attack")
    got = legitimate(d.port, 1.0)
    check(got and all(ok for ok, _, _ in got), "searches after the attack: %s" % got[:5])


def closed_after(sock, limit, every=None, line=b""):
    """Seconds until the daemon closes sock, or None within limit; reads and discards, and
    sends `line` every `every` seconds when given."""
    t0 = time.monotonic()
    sock.settimeout(every or 0.1)
    while time.monotonic() - t0 < limit:
        try:
            if not sock.recv(65536):
                return time.monotonic() - t0
            continue
        except socket.timeout:
            pass
        except OSError:
            return time.monotonic() - t0
        if every:
            try:
                sock.sendall(line)
            except OSError:
                return time.monotonic() - t0
    return None


def test_request_deadline_and_idle_timeout():
    """A trickled request is cut at --request-timeout even though bytes keep coming; a kept-alive
    connection waiting for its next request is left to --timeout; a later request is due
    from its first byte."""
    d = Daemon("--db", STATE["db"], "--listen", "127.0.0.1:0", "--request-timeout", "2",
               "--timeout", "5")
    results = {}

    def client(name, source, script):
        s = socket.create_connection(("127.0.0.1", d.port), timeout=5,
                                     source_address=(source, 0))
        try:
            results[name] = script(s)
        except OSError as e:
            results[name] = e
        finally:
            s.close()

    def trickle(s):
        """One header line every 0.4 s; seconds until the daemon closed the connection."""
        s.sendall(b"GET /health HTTP/1.1\r\nHost: izde\r\n")
        return closed_after(s, 6, 0.4, b"X-Slow: y\r\n")

    def answered_then_idle(s):
        s.sendall(b"GET /health HTTP/1.1\r\nHost: izde\r\n\r\n")
        got = s.recv(65536)
        return got.startswith(b"HTTP/1.1 200"), closed_after(s, 8)

    def answered_idle_then_trickle(s):
        s.sendall(b"GET /health HTTP/1.1\r\nHost: izde\r\n\r\n")
        got = s.recv(65536)
        time.sleep(3)  # past the request deadline, idle
        return got.startswith(b"HTTP/1.1 200"), trickle(s)

    threads = [threading.Thread(target=client, args=a) for a in (
        ("trickle", "127.0.0.21", trickle), ("idle", "127.0.0.22", answered_then_idle),
        ("second", "127.0.0.23", answered_idle_then_trickle))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    d.stop()
    print("      trickled: closed after %s s; idle keep-alive: %s; trickled second request: %s"
          % (results.get("trickle"), results.get("idle"), results.get("second")))
    t = results.get("trickle")
    check(isinstance(t, float) and 1.9 <= t <= 3.5,
          "trickled request closed after %r s, deadline 2 s" % (t,))
    ok, t = results.get("idle", (False, None))
    check(ok and t is not None and 4.5 <= t <= 7.5,
          "idle keep-alive: answered %s, closed after %r s, idle timeout 5 s" % (ok, t))
    ok, t = results.get("second", (False, None))
    check(ok and t is not None and 1.9 <= t <= 3.5,
          "second request after 3 s idle: answered %s, closed %r s after its first byte" % (ok, t))
    check(any(re.search(r"cut [1-9]\d* requests", line) for line in d.lines()),
          "no cut request was logged: %s" % d.lines()[-10:])


def run_all():
    """In a sanitizer build (--sanitizer) every check holds but the p99 bound: ASan makes each
    search 3-5 times slower, and on this loaded 2-core machine (load 13) a legitimate client of
    the ASan daemon with no attack at all measured p99 66 ms, p50 12.5 ms; the bound would
    measure the sanitizer and the machine, not the daemon. The normal build asserts it."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    need = ARGS.connections + 200
    if hard < need:
        print("SKIP: the hard limit of open files (%d) is below %d" % (hard, need))
        sys.exit(77)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with TempDir() as tmp:
        STATE["tmp"] = tmp
        db = STATE["db"] = os.path.join(tmp, "db")
        code, _, err = run([ARGS.indexer, "--db", db, "--quiet", ARGS.data])
        if code != 0:
            raise SystemExit("izde-indexer failed (%d): %s" % (code, err))
        STATE["daemon"] = Daemon("--db", db, "--listen", "127.0.0.1:0")
        status = 0
        try:
            main([test_legitimate_clients_served_under_attack, test_healthy_after_attack,
                  test_request_deadline_and_idle_timeout])
        except SystemExit as e:
            status = e.code
        finally:
            code = STATE["daemon"].stop()
        if code != 0:
            print("izde-searchd exited with %d:\n%s" % (code, "\n".join(
                STATE["daemon"].lines()[-30:])))
            status = 1
    sys.exit(status)


if __name__ == "__main__":
    run_all()
