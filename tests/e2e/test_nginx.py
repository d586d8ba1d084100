"""The nginx example of deploy/nginx/izde.conf in front of a real izde-searchd: `nginx -t`
accepts it, and requests through it behave as docs/searchd.md says (the search with gzip,
414 for a huge target, 413 for a body, the demo page's files cached, /metrics from loopback).

Only the addresses and the folders of the example are changed for the test: the port nginx
listens on, the daemon's port, and temporary folders for the cache and nginx's own files.
Skipped (77) when nginx is not installed (scripts/deps.sh installs nginx-light)."""
import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

from izde_e2e import Failure, TempDir, check, main, run

ap = argparse.ArgumentParser()
ap.add_argument("--searchd", required=True)
ap.add_argument("--indexer", required=True)
ap.add_argument("--data", required=True)
ap.add_argument("--source", required=True, help="the source tree")
ARGS = ap.parse_args()
EXAMPLE = os.path.join(ARGS.source, "deploy", "nginx", "izde.conf")
STATE = {}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for_port(port, proc, what):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise Failure("%s did not listen on %d" % (what, port))


def write_config(tmp, nginx_port, searchd_port):
    """nginx.conf around the example: only its ports and folders changed."""
    with open(EXAMPLE, encoding="utf-8") as f:
        example = f.read()
    changed = example.replace("server 127.0.0.1:8080;", "server 127.0.0.1:%d;" % searchd_port)
    changed = changed.replace("listen 80;", "listen 127.0.0.1:%d;" % nginx_port)
    changed = changed.replace("/var/lib/nginx/izde-static", os.path.join(tmp, "cache"))
    check(changed.count(str(searchd_port)) == 1 and changed.count(str(nginx_port)) == 1 and
          os.path.join(tmp, "cache") in changed, "the example's listen, server or cache changed")
    site = os.path.join(tmp, "izde.conf")
    with open(site, "w", encoding="utf-8") as f:
        f.write(changed)
    temp = "\n".join("    %s_temp_path %s;" % (k, os.path.join(tmp, k))
                     for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w", encoding="utf-8") as f:
        # root's workers would run as nobody, who cannot enter the temporary folder
        f.write("%spid %s;\nerror_log %s;\nevents {}\nhttp {\n    access_log %s;\n%s\n"
                "    include %s;\n}\n" % ("user root;\n" if os.geteuid() == 0 else "",
                                         os.path.join(tmp, "nginx.pid"),
                                         os.path.join(tmp, "error.log"),
                                         os.path.join(tmp, "access.log"), temp, site))
    return conf


def get(path, method="GET", headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", STATE["port"], timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_nginx_accepts_the_example():
    p = subprocess.run([STATE["nginx"], "-t", "-e", "stderr", "-p", STATE["tmp"], "-c",
                        STATE["conf"]], capture_output=True, text=True)
    check(p.returncode == 0 and "test is successful" in p.stderr, "nginx -t: %s" % p.stderr)


def test_requests_through_nginx():
    status, h, body = get("/search?q=swimmer", headers={"Host": "search.example.kz",
                                                         "Accept-Encoding": "gzip"})
    check(status == 200 and h.get("content-encoding") == "gzip" and
          h.get("content-type", "").startswith("application/json"), "search: %d %s" % (status, h))
    status, _, _ = get("/search?q=" + "a" * 20000)
    check(status == 414, "20 KB target: %d" % status)
    status, _, _ = get("/search?q=a", method="POST", body=b"x" * 100000)
    check(status == 413, "100 KB body: %d" % status)
    caches = [get("/static/app.js")[1].get("x-cache-status") for _ in range(2)]
    check(caches == ["MISS", "HIT"], "the demo page's files cached: %s" % caches)
    status, _, body = get("/metrics")
    check(status == 200 and b"izde_searchd_requests_total" in body, "/metrics: %d" % status)
    with open(STATE["searchd_log"], encoding="utf-8", errors="replace") as f:
        log = f.read()
    check(re.search(r" GET /search\?q=swimmer 200 ", log), "the search reached the daemon")
    check(" POST " not in log, "nginx passed on a body it should have refused")


def run_all():
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx")
                                      else None)
    if not nginx:
        print("SKIP: nginx is not installed (scripts/deps.sh installs nginx-light)")
        sys.exit(77)
    with TempDir() as tmp:
        STATE.update(tmp=tmp, nginx=nginx, port=free_port())
        db = os.path.join(tmp, "db")
        code, _, err = run([ARGS.indexer, "--db", db, "--quiet", ARGS.data])
        if code != 0:
            raise SystemExit("izde-indexer failed (%d): %s" % (code, err))
        searchd_port = free_port()
        STATE["searchd_log"] = os.path.join(tmp, "searchd.log")
        with open(STATE["searchd_log"], "w") as log:
            searchd = subprocess.Popen([ARGS.searchd, "--db", db, "--per-ip-limit", "0",
                                        "--listen", "127.0.0.1:%d" % searchd_port],
                                       stdout=subprocess.DEVNULL, stderr=log)
        STATE["conf"] = write_config(tmp, STATE["port"], searchd_port)
        proxy = None
        status = 0
        try:
            wait_for_port(searchd_port, searchd, "izde-searchd")
            tests = [test_nginx_accepts_the_example]
            proxy = subprocess.Popen([nginx, "-e", "stderr", "-p", tmp, "-c", STATE["conf"],
                                      "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            wait_for_port(STATE["port"], proxy, "nginx")
            tests.append(test_requests_through_nginx)
            main(tests)
        except SystemExit as e:
            status = e.code
        finally:
            for p in (proxy, searchd):
                if p is not None and p.poll() is None:
                    p.send_signal(signal.SIGTERM)
                    try:
                        p.wait(20)
                    except subprocess.TimeoutExpired:
                        p.kill()
    sys.exit(status)


if __name__ == "__main__":
    run_all()
