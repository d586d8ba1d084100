"""End-to-end test of izde-searchd's live writes over real HTTP: key files and their modes,
every refusal (401, 403, 413, writes off), PUT, DELETE and POST /entries with the messages
izde-indexer gives for the same bad lines, the time from acknowledgement to a search that
finds the entry, izde-indexer refused while writes are on, kill -9 of the daemon many times
during a bulk load (no acknowledged entry may be lost), and writes made while izde-reindex
rebuilds (kept after its switch).

Starts the daemon on 127.0.0.1:0 and reads the bound port from its stderr line
"izde-searchd: listening on http://127.0.0.1:PORT/". Python standard library only."""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse

from izde_e2e import SearchdProcess, TempDir, check, main, run

ap = argparse.ArgumentParser()
ap.add_argument("--searchd", required=True)
ap.add_argument("--indexer", required=True)
ap.add_argument("--reindex", required=True)
ap.add_argument("--query", required=True)
ap.add_argument("--data", required=True)
ap.add_argument("--kills", type=int, default=10)
ARGS = ap.parse_args()

ADMIN = "admin-" + "%032x" % random.getrandbits(128)
SEARCH = "search-" + "%032x" % random.getrandbits(128)


def write_key(path, key, mode=0o600):
    with open(path, "w", encoding="ascii") as f:
        f.write(key + "\n")
    os.chmod(path, mode)


def make_setup(tmp, search_key=False):
    """An index of data/ and a config file with the admin key (and the search key)."""
    db = os.path.join(tmp, "db")
    code, _, err = run([ARGS.indexer, "--db", db, "--quiet", ARGS.data])
    check(code == 0, "indexing data/: %s" % err)
    write_key(os.path.join(tmp, "admin.key"), ADMIN)
    write_key(os.path.join(tmp, "search.key"), SEARCH)
    conf = os.path.join(tmp, "izde.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write("admin-key-file = %s\n" % os.path.join(tmp, "admin.key"))
        if search_key:
            f.write("search-key-file = %s\n" % os.path.join(tmp, "search.key"))
    return db, conf


class Daemon(SearchdProcess):
    """izde-searchd on an index, with a config file, over HTTP."""

    def __init__(self, db, conf=None, *extra):
        args = [ARGS.searchd, "--db", db, "--listen", "127.0.0.1:0", *extra]
        super().__init__(args + (["--config", conf] if conf else []))

    def request(self, method, path, body=None, key=None, timeout=60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Authorization": "Bearer " + key} if key else {}
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            text = r.read().decode("utf-8")
            return r.status, json.loads(text) if text else None
        finally:
            conn.close()

    def put(self, entry, key=ADMIN):
        path = "/entries/" + urllib.parse.quote(entry["id"], safe="")
        return self.request("PUT", path, json.dumps(entry, ensure_ascii=False).encode(), key)

    def total(self, q, key=None):
        """The exact number of matches (facets=1; without them the total is an estimate)."""
        status, doc = self.request("GET", "/search?" + urllib.parse.urlencode(
            {"q": q, "facets": 1, "per_page": 1}), key=key)
        check(status == 200, "search %s: %d %s" % (q, status, doc))
        return doc["total"]

    def health(self):
        status, doc = self.request("GET", "/health")
        check(status == 200, "health: %d %s" % (status, doc))
        return doc

    def wait_committed(self, seq, generation=None, limit=120):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            h = self.health()
            if h["writes"]["committed"] >= seq and (generation is None or (
                    h["generation"] == generation and h["writes"]["generation"] == generation)):
                return h
            time.sleep(0.05)
        check(False, "record %d not committed in %d s: %s" % (seq, limit, self.health()))


def entry(i, marker, body_words=30):
    rnd = random.Random(i)
    words = ("astana almaty river mountain athlete medal champion record market economy grain "
             "winter summer festival museum theatre school university election budget").split()
    return {"id": "%s-%06d" % (marker, i), "date": "2024-%02d-%02d" % (1 + i % 12, 1 + i % 28),
            "lang": "en", "title": "Live report %d %s" % (i, marker),
            "body": " ".join(rnd.choice(words) for _ in range(body_words))}


def test_keys_and_refusals():
    with TempDir() as tmp:
        db, conf = make_setup(tmp)
        # writes off without an admin key: a message that says how to turn them on
        d = Daemon(db)
        try:
            status, doc = d.put({"id": "x", "body": "b"})
            check(status == 403 and doc["error"]["code"] == "writes_disabled"
                  and "admin-key-file" in doc["error"]["message"], "writes off: %s" % doc)
        finally:
            check(d.stop() == 0, "exit")
        # a key file others may read is refused, without showing the key
        loose = os.path.join(tmp, "loose.conf")
        write_key(os.path.join(tmp, "admin.key"), ADMIN, 0o640)
        with open(loose, "w", encoding="utf-8") as f:
            f.write("admin-key-file = %s\n" % os.path.join(tmp, "admin.key"))
        code, _, err = run([ARGS.searchd, "--db", db, "--config", loose])
        check(code == 2 and "chmod 600" in err and ADMIN not in err, "mode 640: %d %s" % (code, err))
        os.chmod(os.path.join(tmp, "admin.key"), 0o600)
        # and never from the command line
        code, _, err = run([ARGS.searchd, "--db", db, "--admin-key-file",
                            os.path.join(tmp, "admin.key")])
        check(code == 2, "--admin-key-file is not an option: %d %s" % (code, err))

        d = Daemon(db, conf)
        try:
            body = json.dumps({"body": "text"}).encode()
            for key, want, code in ((None, 401, "unauthorized"), ("x" * 40, 403, "forbidden"),
                                    (ADMIN[:-1], 403, "forbidden"), (SEARCH, 403, "forbidden")):
                status, doc = d.request("PUT", "/entries/k", body, key)
                check(status == want and doc["error"]["code"] == code,
                      "key %r: %d %s" % (key and key[:8], status, doc))
            # an oversized body is refused before it is read
            s = socket.create_connection(("127.0.0.1", d.port), timeout=30)
            s.sendall(("PUT /entries/big HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                       "Content-Length: %d\r\n\r\n" % (ADMIN, 5 << 20)).encode())
            answer = s.recv(65536).decode("utf-8", "replace")
            s.close()
            check(answer.startswith("HTTP/1.1 413") and "request_too_large" in answer,
                  "oversized: %r" % answer[:200])
            # the keys never reach the log
            time.sleep(0.2)
            check(not any(ADMIN in l or SEARCH in l for l in d.lines), "a key in the log")
        finally:
            check(d.stop() == 0, "exit")


def indexer_message(tmp, line):
    """What izde-indexer says about one bad line, after "FILE:1: "."""
    path = os.path.join(tmp, "bad.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write(line + "\n")
    code, _, err = run([ARGS.indexer, "--db", os.path.join(tmp, "scratch"), path])
    m = re.search(re.escape(path) + r":1: (.*)", err)
    check(code == 1 and m, "indexer on a bad line: %d %s" % (code, err))
    return m.group(1)


def test_put_delete_post():
    with TempDir() as tmp:
        db, conf = make_setup(tmp, search_key=True)
        d = Daemon(db, conf)
        try:
            check(d.request("GET", "/search?q=swimmer")[0] == 401, "search needs the key")
            check(d.total("swimmer", SEARCH) > 0, "search key searches")
            lags = []
            for i in range(20):
                e = entry(i, "putlive")
                e["body"] += " uniqword%d" % i
                status, doc = d.put(e)
                t0 = time.monotonic()
                check(status == 200 and doc["id"] == e["id"] and doc["seq"] >= 1,
                      "PUT: %d %s" % (status, doc))
                while d.total("uniqword%d" % i, SEARCH) == 0:
                    check(time.monotonic() - t0 < 30, "entry %s not found in 30 s" % e["id"])
                    time.sleep(0.005)
                lags.append(time.monotonic() - t0)
            lags.sort()
            print("      acknowledgement to found: median %.0f ms, max %.0f ms (20 PUTs)"
                  % (1000 * lags[10], 1000 * lags[-1]))
            check(lags[10] < 1.0, "median time to searchable %.2f s" % lags[10])

            # the id from the path; another id in the body is refused
            status, doc = d.request("PUT", "/entries/from%20path",
                                    json.dumps({"body": "pathword text"}).encode(), ADMIN)
            check(status == 200 and doc["id"] == "from path", "id from path: %s" % doc)
            status, doc = d.request("PUT", "/entries/a",
                                    json.dumps({"id": "b", "body": "t"}).encode(), ADMIN)
            check(status == 400 and doc["error"]["code"] == "id_mismatch", "mismatch: %s" % doc)

            # a bad entry gets izde-indexer's words
            for eid, line in (("bad1", '{"id":"bad1","body":"b","date":"2021-02-30"}'),
                              ("bad2", '{"id":"bad2","body":"b","lang":"de"}'),
                              ("bad3", '{"id":"bad3","body":"b"')):
                status, doc = d.request("PUT", "/entries/" + eid, line.encode(), ADMIN)
                want = indexer_message(tmp, line)
                check(status == 400 and doc["error"]["code"] == "bad_entry"
                      and doc["error"]["message"] == want, "bad entry: %s, want %s" % (doc, want))

            # bulk: a result per line, the same words for a rejected line
            lines = [json.dumps(entry(100 + i, "bulkword")) for i in range(50)]
            lines[7] = '{"id":"bulk-bad","body":"x","date":"2021-13-01"}'
            lines.insert(20, "")
            status, doc = d.request("POST", "/entries", "\n".join(lines).encode(), ADMIN)
            check(status == 200 and doc["accepted"] == 49 and doc["rejected"] == 1,
                  "bulk: %d %s" % (status, str(doc)[:300]))
            bad = [r for r in doc["results"] if not r["ok"]]
            check(bad == [{"line": 8, "id": "bulk-bad", "ok": False,
                           "error": indexer_message(tmp, lines[7])}], "bulk result: %s" % bad)
            check(doc["results"][-1]["line"] == 51, "line numbers count blank lines")
            d.wait_committed(doc["seq"])
            check(d.total("bulkword", SEARCH) == 49, "bulk entries found")

            status, doc = d.request("DELETE", "/entries/from%20path", None, ADMIN)
            check(status == 200, "DELETE: %s" % doc)
            d.wait_committed(doc["seq"])
            check(d.request("GET", "/entries/from%20path", key=SEARCH)[0] == 404, "deleted")

            # izde-indexer leaves the live index to the daemon; a rebuild may run
            code, _, err = run([ARGS.indexer, "--db", db, "--quiet", ARGS.data])
            check(code == 75 and "accepts writes" in err, "indexer refused: %d %s" % (code, err))
        finally:
            check(d.stop() == 0, "exit")


def loader(d, stop, acked, errors, marker, start):
    """POSTs batches of new entries until stop is set (or the daemon dies); remembers the
    ids of every batch acknowledged with 200."""
    i = start
    while not stop.is_set():
        batch = [entry(i + k, marker, 12) for k in range(25)]
        body = "\n".join(json.dumps(e) for e in batch).encode()
        try:
            status, doc = d.request("POST", "/entries", body, ADMIN, timeout=30)
        except (OSError, http.client.HTTPException):
            return i  # killed: this batch was not acknowledged
        if status != 200 or doc["rejected"]:
            errors.append("%d %s" % (status, str(doc)[:200]))
            return i
        acked.extend(e["id"] for e in batch)
        i += len(batch)
    return i


def test_kill9_during_bulk_load():
    with TempDir() as tmp:
        db, conf = make_setup(tmp)
        acked, errors, nxt = [], [], 0
        rnd = random.Random(5)
        for k in range(ARGS.kills):
            d = Daemon(db, conf)
            stop = threading.Event()
            result = []
            t = threading.Thread(target=lambda: result.append(
                loader(d, stop, acked, errors, "killword", nxt)))
            t.start()
            time.sleep(rnd.uniform(0.3, 1.5))
            d.kill()
            stop.set()
            t.join(60)
            nxt = result[0] + 1000  # ids of a batch in flight are never used again
        check(not errors, "bulk errors: %s" % errors[:3])
        check(len(acked) > 100, "too few writes acknowledged: %d" % len(acked))
        d = Daemon(db, conf)
        try:
            journal = d.health()["writes"]["journal"]
            d.wait_committed(journal)
            total = d.total("killword")
            probe = random.Random(9).sample(acked, min(200, len(acked)))
            missing = [i for i in probe if d.request("GET", "/entries/" + i)[0] != 200]
            check(not missing, "acknowledged and not served: %s" % missing[:5])
        finally:
            check(d.stop() == 0, "exit")
        code, out, err = run([ARGS.query, "--db", db, "--export"])
        check(code == 0, "export: %s" % err)
        stored = {json.loads(line)["id"] for line in out.splitlines() if line.strip()}
        lost = [i for i in acked if i not in stored]
        print("      %d kills, %d entries acknowledged, %d found by search, %d lost"
              % (ARGS.kills, len(acked), total, len(lost)))
        check(not lost, "acknowledged and lost: %d, e.g. %s" % (len(lost), lost[:5]))
        check(total >= len(acked), "search finds %d of %d" % (total, len(acked)))


def test_searches_not_held_by_writes():
    """A bulk load waiting for room in the backlog holds no searcher: with one searcher, a
    search is answered while a long POST is still in flight (before, it waited for the POST)."""
    with TempDir() as tmp:
        db, conf = make_setup(tmp)
        d = Daemon(db, conf, "--threads", "1")
        try:
            lines = 1500
            for attempt in range(3):
                body = "\n".join(json.dumps(entry(i, "heldword", 12))
                                 for i in range(attempt * 100000, attempt * 100000 + lines))
                done, result = threading.Event(), []

                def post():
                    result.append(d.request("POST", "/entries", body.encode(), ADMIN))
                    done.set()

                t = threading.Thread(target=post)
                t.start()
                time.sleep(0.5)
                if done.is_set():  # a machine fast enough to take it all at once: more
                    t.join()
                    lines *= 4
                    continue
                status, doc = d.request("GET", "/search?q=astana")
                in_flight = not done.is_set()
                t.join(120)
                check(status == 200, "search during the load: %d %s" % (status, doc))
                check(in_flight, "the search waited for the bulk POST to be answered")
                check(result and result[0][0] == 200, "bulk POST: %s" % result[:1])
                print("      a search answered while a POST of %d lines was in flight" % lines)
                return
            check(False, "no POST of up to %d lines lasted half a second" % lines)
        finally:
            check(d.stop() == 0, "exit")


def test_writes_during_rebuild():
    with TempDir() as tmp:
        db, conf = make_setup(tmp)
        src = os.path.join(tmp, "export")
        os.makedirs(src)
        for name in os.listdir(ARGS.data):
            if name.endswith((".jsonl", ".txt")):
                shutil.copy(os.path.join(ARGS.data, name), src)
        with open(os.path.join(src, "bulk.jsonl"), "w", encoding="utf-8") as f:
            for i in range(3000):  # so that the rebuild takes a while
                f.write(json.dumps(entry(i, "exportword", 150)) + "\n")
        d = Daemon(db, conf)
        try:
            gen = d.health()["generation"]
            reindex = subprocess.Popen([ARGS.reindex, "--source", src, "--db", db, "--jobs", "1"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       text=True)
            # the rebuild has read the live generation's journal number once its folder exists
            new = os.path.join(db, "gen-%06d" % (gen + 1))
            while not os.path.exists(new) and reindex.poll() is None:
                time.sleep(0.005)
            acked, i, last_seq = [], 0, 0
            deleted = "exportword-000007"
            status, doc = d.request("DELETE", "/entries/" + deleted, None, ADMIN)
            check(status == 200, "DELETE during the rebuild: %s" % doc)
            while reindex.poll() is None:
                e = entry(i, "rebuildword")
                status, doc = d.put(e)
                check(status == 200, "PUT during the rebuild: %d %s" % (status, doc))
                acked.append(e["id"])
                last_seq = doc["seq"]
                i += 1
                time.sleep(0.01)
            err = reindex.stderr.read()
            check(reindex.returncode == 0, "izde-reindex: %d %s" % (reindex.returncode, err))
            check(len(acked) >= 3, "only %d writes during the rebuild" % len(acked))
            h = d.wait_committed(last_seq, generation=gen + 1)
            missing = [x for x in acked if d.request("GET", "/entries/" + x)[0] != 200]
            print("      %d writes during the rebuild; generation %d live, %d missing"
                  % (len(acked), h["generation"], len(missing)))
            check(not missing, "lost in the switch: %s" % missing[:5])
            check(d.total("rebuildword") == len(acked), "all found by search")
            check(d.total("exportword") == 2999, "the export, less the entry deleted meanwhile")
            check(d.request("GET", "/entries/" + deleted)[0] == 404, "delete kept")
        finally:
            check(d.stop() == 0, "exit")


if __name__ == "__main__":
    main([test_keys_and_refusals, test_put_delete_post, test_kill9_during_bulk_load,
          test_searches_not_held_by_writes, test_writes_during_rebuild])
