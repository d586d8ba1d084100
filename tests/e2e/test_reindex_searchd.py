"""End-to-end test of izde-reindex under live traffic: izde-searchd serves an index while
izde-reindex rebuilds it from a bigger export, with several threads searching over HTTP the
whole time. No request may fail or come back empty; afterwards the new content is found, the
entries left out of the export are gone, and /health shows the new generation.

Starts the daemon on 127.0.0.1:0 and reads the bound port from its stderr line
"izde-searchd: listening on http://127.0.0.1:PORT/". Python standard library only."""
import argparse
import http.client
import json
import os
import random
import shutil
import threading
import time
import urllib.parse

from izde_e2e import SearchdProcess, TempDir, check, main, read_data, run

ap = argparse.ArgumentParser()
ap.add_argument("--reindex", required=True)
ap.add_argument("--searchd", required=True)
ap.add_argument("--query", required=True)
ap.add_argument("--data", required=True)
ARGS = ap.parse_args()
DATA = read_data(ARGS.data)

BULK_ENTRIES = 4000
BULK_MARKER = "quokkabulk"
# every one of these matches in the old and in the new index
QUERIES = ["NOC", "swimmer", "Астана", "Olympic", "олимпиада"]


def write_jsonl(path, entries):
    with open(path, "w", encoding="utf-8") as f:
        for e in entries:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")


def copy_data(dst):
    os.makedirs(dst, exist_ok=True)
    for name in os.listdir(ARGS.data):
        if name.endswith((".jsonl", ".txt")):
            shutil.copy(os.path.join(ARGS.data, name), dst)
    return dst


def bulk_entries():
    rnd = random.Random(11)
    words = ("astana almaty river mountain athlete medal champion record market economy grain "
             "winter summer festival museum theatre school university election budget").split()
    return [{"id": "bulk-%05d" % i, "date": "2022-%02d-%02d" % (1 + i % 12, 1 + i % 28),
             "title": "Bulk report %d %s" % (i, BULK_MARKER),
             "body": " ".join(rnd.choice(words) for _ in range(200)), "tags": ["bulk"]}
            for i in range(BULK_ENTRIES)]


class Daemon(SearchdProcess):
    """izde-searchd on db as a child process (izde_e2e.SearchdProcess)."""

    def __init__(self, db):
        super().__init__([ARGS.searchd, "--db", db, "--listen", "127.0.0.1:0"])

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            return r.status, r.read().decode("utf-8")
        finally:
            conn.close()

    def json(self, path):
        status, body = self.get(path)
        check(status == 200, "GET %s: %d %s" % (path, status, body[:200]))
        return json.loads(body)

    def total(self, q):
        """The exact number of matches (with facets; otherwise total is an estimate)."""
        return self.json("/search?" + urllib.parse.urlencode({"q": q, "facets": 1}))["total"]



def search_loop(daemon, stop, stats, errors, limit=5000):
    """Searches until stop is set (at most limit requests); every answer must be 200 with
    at least one result."""
    n = 0
    while not stop.is_set() and n < limit:
        q = QUERIES[n % len(QUERIES)]
        path = "/search?" + urllib.parse.urlencode({"q": q, "per_page": 5})
        try:
            status, body = daemon.get(path)
            doc = json.loads(body) if status == 200 else {}
            if status != 200 or not doc.get("results") or doc.get("total", 0) < 1:
                errors.append("%s -> %d %s" % (q, status, body[:120]))
        except Exception as e:  # a refused or broken connection is a failure too
            errors.append("%s -> %r" % (q, e))
        n += 1
    stats.append(n)


def test_rebuild_under_concurrent_searches():
    with TempDir() as tmp:
        db, log = os.path.join(tmp, "db"), os.path.join(tmp, "reindex.log")
        old = copy_data(os.path.join(tmp, "old"))
        write_jsonl(os.path.join(old, "gone.jsonl"), [
            {"id": "rx-gone", "title": "Vanishingword story", "body": "Left out of the next export."}])
        new = copy_data(os.path.join(tmp, "new"))
        write_jsonl(os.path.join(new, "fresh.jsonl"), [
            {"id": "rx-fresh", "title": "Freshword story", "body": "Only in the new export."}])
        write_jsonl(os.path.join(new, "bulk.jsonl"), bulk_entries())

        code, out, err = run([ARGS.reindex, "--source", old, "--db", db, "--log", log])
        check(code == 0, "first build: %d %s" % (code, err))
        daemon = Daemon(db)
        try:
            health = daemon.json("/health")
            check(health["generation"] == 1 and health["entries"] == len(DATA) + 1,
                  "health before: %r" % health)
            check(daemon.total("vanishingword") == 1 and daemon.total("freshword") == 0,
                  "old content served")

            stop, stats, errors = threading.Event(), [], []
            threads = [threading.Thread(target=search_loop, args=(daemon, stop, stats, errors))
                       for _ in range(3)]
            for t in threads:
                t.start()
            t0 = time.monotonic()
            code, out, err = run([ARGS.reindex, "--source", new, "--db", db, "--log", log])
            rebuild = time.monotonic() - t0
            # go on searching until every worker has seen the switch
            end = time.monotonic() + 10
            while time.monotonic() < end and daemon.json("/health")["generation"] != 2:
                time.sleep(0.05)
            time.sleep(0.5)
            stop.set()
            for t in threads:
                t.join(60)
            print("      rebuild %.2f s under %d searches (%s per thread), %d failed"
                  % (rebuild, sum(stats), stats, len(errors)))
            check(code == 0, "rebuild under load: exit %d: %s" % (code, err))
            check(not errors, "failed or empty answers: %d, e.g. %s" % (len(errors), errors[:3]))
            check(len(stats) == 3 and min(stats) > 0, "every thread searched: %s" % stats)

            health = daemon.json("/health")
            check(health["generation"] == 2, "health after: %r" % health)
            check(health["entries"] == len(DATA) + 1 + BULK_ENTRIES, "entries: %r" % health)
            check(health["built"], "build time shown: %r" % health)
            check(daemon.total("freshword") == 1, "new entry found")
            check(daemon.total(BULK_MARKER) == BULK_ENTRIES, "bulk entries found")
            check(daemon.total("vanishingword") == 0, "left-out entry gone from search")
            status, _ = daemon.get("/entries/rx-gone")
            check(status == 404, "left-out entry gone by id: %d" % status)
            status, _ = daemon.get("/entries/rx-fresh")
            check(status == 200, "new entry by id: %d" % status)
        finally:
            code = daemon.stop()
        check(code == 0, "izde-searchd exit on SIGTERM: %d" % code)


if __name__ == "__main__":
    main([test_rebuild_under_concurrent_searches])
