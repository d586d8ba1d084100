"""An index split into shards answers as one index: izde-indexer --shards 2 over data/, its two
shards served by two xapian-tcpsrv on loopback, searched by izde-query and izde-searchd with
--db given three times, must give the same ids, order, scores, totals, facets, collapsed
duplicates, snippets and suggestions as one index built from the same data, for queries drawn
at random from data/ (seeded, so a failure repeats). Incremental updates and deletions reach
the right shard, and izde-reindex rebuilds every shard and switches them together. A shard
that is down, or stopped so that it never answers, makes a search fail with a clear error within the shard timeout: never a hang."""
import argparse
import json
import os
import random
import signal
import socket
import subprocess
import time
import urllib.parse

from izde_e2e import SearchdProcess, TempDir, check, get_json, main, read_data, run, words

ap = argparse.ArgumentParser()
ap.add_argument("--indexer", required=True)
ap.add_argument("--query", required=True)
ap.add_argument("--searchd", required=True)
ap.add_argument("--reindex", required=True)
ap.add_argument("--data", required=True)
ap.add_argument("--queries", type=int, default=120)
ARGS = ap.parse_args()
SEED = 19


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Tcpsrv:
    """xapian-tcpsrv serving one shard on loopback."""

    def __init__(self, path):
        self.port = free_port()
        self.p = subprocess.Popen(["xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1",
                                   "--port", str(self.port), path],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  start_new_session=True)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.p.poll() is not None:
                raise AssertionError("xapian-tcpsrv exited: %s" % self.p.stderr.read())
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("xapian-tcpsrv did not listen on %d" % self.port)

    @property
    def url(self):
        return "tcp://127.0.0.1:%d" % self.port

    def pause(self, sig):
        """SIGSTOP or SIGCONT to the server and the children serving its connections."""
        os.killpg(self.p.pid, sig)

    def stop(self):
        # its children serve open connections until their idle timeout: stop them all
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGKILL)
        self.p.wait(timeout=20)


def copies():
    """Copies of a third of data/'s JSONL entries (same body, another id, date and tags), so
    that collapsing and facets meet copies in both shards: JSONL text."""
    rnd = random.Random(SEED)
    out = []
    for e in read_data(ARGS.data):
        if "id" in e and rnd.random() < 0.33:
            for k in range(rnd.choice((1, 2))):
                c = dict(e, id="copy-%d-%s" % (k, e["id"]), tags=["Copy %d" % k] + e["tags"][:1],
                         date="20%02d-0%d-1%d" % (rnd.randrange(15, 25), rnd.randrange(1, 10),
                                                  rnd.randrange(0, 9)))
                out.append(json.dumps(c, ensure_ascii=False) + "\n")
    return "".join(out)


def build(tmp):
    """One index and one of two shards over data/, then copies of some entries added to both
    (an incremental run: each copy goes to its shard)."""
    single, sharded = os.path.join(tmp, "single"), os.path.join(tmp, "sharded")
    for db, extra in ((single, []), (sharded, ["--shards", "2"])):
        code, _, err = run([ARGS.indexer, "--quiet", "--db", db] + extra + [ARGS.data])
        check(code == 0, "indexer %s: %d %s" % (extra, code, err))
        code, _, err = run([ARGS.indexer, "--quiet", "--db", db, "-"], input_text=copies())
        check(code == 0, "indexer, copies: %d %s" % (code, err))
    return single, sharded


KK_FOLD = str.maketrans("әғқңөұүһі", "агкноууhи")  # Kazakh typed on a Russian keyboard


def synonym_members():
    """Every member of data/synonyms.conf's groups."""
    with open(os.path.join(ARGS.data, "synonyms.conf"), encoding="utf-8") as f:
        return sorted({m.strip() for line in f if "=" in line and not line.startswith("#")
                       for m in line.split("=")})


def random_queries(n):
    """Words of data/'s titles and bodies, one to three per query, some misspelt, some with
    a filter or an operator, some a prefix (whose words Xapian would choose per shard), a
    synonym group's member or Kazakh typed without its letters (alternatives that Xapian
    weighs from a tree each shard would shape by its own frequencies); a fixed seed."""
    rnd = random.Random(SEED)
    vocab = sorted({w for e in read_data(ARGS.data)
                    for w in words((e.get("title") or "") + " " + e["body"]) if len(w) > 2})
    kazakh = [w for w in vocab if w.lower() != w.lower().translate(KK_FOLD)]
    members = synonym_members()
    out = []
    for _ in range(n):
        q = " ".join(rnd.choice(vocab) for _ in range(rnd.choice((1, 1, 2, 3))))
        kind = rnd.random()
        if kind < 0.1:
            q = q[:-1] + "x"  # a misspelling: "did you mean"
        elif kind < 0.2:
            q = '"%s"' % q
        elif kind < 0.3:
            q += " OR " + rnd.choice(vocab)
        elif kind < 0.4:
            w = rnd.choice(vocab)
            q = w[:rnd.choice((3, 4, 5))] + "*"
        elif kind < 0.5:
            q = rnd.choice(members)
        elif kind < 0.6:
            q = rnd.choice(kazakh).lower().translate(KK_FOLD)
        out.append(q)
    return out


def random_options(rnd):
    opts = ["--facets", "-f", "json", "-n", str(rnd.choice((3, 10, 25)))]
    if rnd.random() < 0.3:
        opts += ["--sort", "date"]
    if rnd.random() < 0.2:
        opts += ["-o", str(rnd.choice((1, 5, 12)))]
    if rnd.random() < 0.15:
        opts += ["--no-collapse"]
    if rnd.random() < 0.15:
        opts += ["--lang", rnd.choice(("en", "kk", "ru"))]
    return opts


def answer(dbs, query, opts):
    args = [ARGS.query]
    for db in dbs:
        args += ["--db", db]
    code, out, err = run(args + opts + ["--shard-timeout", "5000", "--", query])
    check(code in (0, 1), "izde-query %s %s %r: %d %s" % (dbs, opts, query, code, err))
    page = json.loads(out)
    page.pop("took_ms", None)
    return page


def difference(a, b):
    """The first field (or result) where two pages differ, for the failure message."""
    for key in sorted(set(a) | set(b)):
        if key == "results" and a.get(key) and b.get(key):
            for i, (x, y) in enumerate(zip(a[key], b[key])):
                if x != y:
                    return "result %d: %s against %s" % (
                        i, {k: x[k] for k in x if x[k] != y.get(k)},
                        {k: y.get(k) for k in x if x[k] != y.get(k)})
        if a.get(key) != b.get(key):
            return "%s: %s against %s" % (key, json.dumps(a.get(key))[:300],
                                          json.dumps(b.get(key))[:300])
    return "none"


def test_remote_shards_answer_as_one_index():
    with TempDir() as tmp:
        single, sharded = build(tmp)
        servers = [Tcpsrv(os.path.join(sharded, "gen-000001", "shard-%d" % i)) for i in (0, 1)]
        try:
            rnd = random.Random(SEED)
            queries = random_queries(ARGS.queries)
            hits = suggested = faceted = collapsed = 0
            for q in queries:
                opts = random_options(rnd)
                one = answer([single], q, opts)
                two = answer([sharded] + [s.url for s in servers], q, opts)
                local = answer([sharded], q, opts)
                check(one == two, "query %r %s: one index and remote shards differ: %s"
                      % (q, opts, difference(one, two)))
                check(one == local, "query %r %s: one index and local shards differ: %s"
                      % (q, opts, difference(one, local)))
                hits += len(one["results"]) > 0
                suggested += one["suggestion"] is not None
                faceted += bool(one["facets"] and one["facets"]["tag"])
                collapsed += any(r["duplicates"] for r in one["results"])
            # the draw must exercise what it compares
            check(hits > len(queries) // 5 and suggested > 0 and faceted > 0
                  and collapsed > len(queries) // 30,
                  "too few hits (%d), suggestions (%d), facets (%d) or collapsed copies (%d)"
                  % (hits, suggested, faceted, collapsed))
            print("   %d queries: %d with hits, %d suggestions, %d with facets, %d with "
                  "collapsed duplicates" % (len(queries), hits, suggested, faceted, collapsed))
        finally:
            for s in servers:
                s.stop()


def test_searchd_over_remote_shards():
    with TempDir() as tmp:
        single, sharded = build(tmp)
        servers = [Tcpsrv(os.path.join(sharded, "gen-000001", "shard-%d" % i)) for i in (0, 1)]
        d = SearchdProcess([ARGS.searchd, "--db", sharded, "--db", servers[0].url, "--db",
                            servers[1].url, "--shard-timeout", "1000", "--listen",
                            "127.0.0.1:0"])
        try:
            for q in random_queries(25):
                _, _, page = get_json("/search?facets=1&limit=10&q=" + urllib.parse.quote(q),
                                      port=d.port)
                page.pop("took_ms", None)
                one = answer([single], q, ["--facets", "-f", "json", "-n", "10"])
                check(page == one, "searchd %r: %s" % (q, difference(one, page)))
            # completions and stored entries come from the shards too
            local = SearchdProcess([ARGS.searchd, "--db", single, "--listen", "127.0.0.1:0"])
            try:
                for path in ("/suggest?q=olympic+da", "/suggest?q=%D1%81%D0%BF%D0%BE%D1%80",
                             "/suggest?q=sw", "/entries/noc-news-20200911-1",
                             "/entries/en-2021-07-30-tokyo-2020-swimmers", "/entries/nothing"):
                    want = get_json(path, port=local.port)
                    got = get_json(path, port=d.port)
                    check(got[0] == want[0] and got[2] == want[2],
                          "%s: %s %s against %s %s" % (path, got[0], got[2], want[0], want[2]))
            finally:
                local.stop()
            # one shard stopped: an error within the timeout, then an answer once it is back
            servers[1].pause(signal.SIGSTOP)
            t0 = time.time()
            status, _, body = get_json("/search?q=olympic&facets=1", port=d.port)
            took = time.time() - t0
            check(status == 503 and body["error"]["code"] == "shard_unavailable",
                  "shard stopped: %s %s" % (status, body))
            check(took < 30, "shard stopped: answered after %.1f s" % took)
            servers[1].pause(signal.SIGCONT)
            status, _, body = get_json("/search?q=olympic", port=d.port)
            check(status == 200 and body["total"] > 0, "shard back: %s %s" % (status, body))
        finally:
            d.stop()
            for s in servers:
                s.stop()


def test_a_shard_down_is_a_clear_error():
    with TempDir() as tmp:
        _, sharded = build(tmp)
        up = Tcpsrv(os.path.join(sharded, "gen-000001", "shard-0"))
        down = "tcp://127.0.0.1:%d" % free_port()
        stopped = Tcpsrv(os.path.join(sharded, "gen-000001", "shard-1"))
        try:
            code, out, err = run([ARGS.query, "--db", sharded, "--db", up.url, "--db", down,
                                  "olympic"])
            check(code == 6 and "shard" in err and "unavailable" in err,
                  "refused shard: %d %r %r" % (code, out, err))
            stopped.pause(signal.SIGSTOP)  # accepts connections, never answers
            t0 = time.time()
            code, out, err = run([ARGS.query, "--db", sharded, "--db", up.url, "--db",
                                  stopped.url, "--shard-timeout", "500", "olympic"])
            took = time.time() - t0
            check(code == 6 and "unavailable" in err, "stopped shard: %d %r" % (code, err))
            check(took < 15, "stopped shard: %.1f s for a 0.5 s timeout" % took)
        finally:
            up.stop()
            stopped.stop()


def test_updates_and_deletes_reach_their_shard():
    with TempDir() as tmp:
        single, sharded = build(tmp)
        entry = {"id": "en-2021-07-30-tokyo-2020-swimmers", "date": "2021-08-01", "lang": "en",
                 "title": "Changed title about zebras", "body": "Zebras swim across the lake."}
        new = dict(entry, id="new-shard-entry", title="Another zebra")
        text = "".join(json.dumps(e) + "\n" for e in (entry, new))
        # Written in place (a delta's hidden old versions count in the statistics until it is
        # folded), so that the one index weighs exactly as the shards do.
        for db in (single, sharded):
            code, _, err = run([ARGS.indexer, "--quiet", "--db", db, "--delta-max", "0", "-"],
                               input_text=text)
            check(code == 0, "update %s: %s" % (db, err))
            code, _, err = run([ARGS.indexer, "--quiet", "--db", db, "--delta-max", "0",
                                "--delete", "noc-news-20200911-1"])
            check(code == 0, "delete %s: %s" % (db, err))
        code, _, err = run([ARGS.indexer, "--quiet", "--db", sharded, "--shards", "3", "-"],
                           input_text=text)
        check(code == 2 and "needs a rebuild" in err, "another shard count: %d %s" % (code, err))
        for q in ("zebra", "swimmer", "olympic", "khudyakov"):
            one = answer([single], q, ["--facets", "-f", "json", "-n", "50"])
            two = answer([sharded], q, ["--facets", "-f", "json", "-n", "50"])
            check(one == two, "%r after updates: %s against %s" % (q, one, two))
        # each entry is in exactly one shard
        def docs(path):
            code, out, err = run(["xapian-delve", path])
            check(code == 0, "xapian-delve %s: %s" % (path, err))
            return int(out.split("number of documents = ")[1].split()[0])
        shards = [docs(os.path.join(sharded, "gen-000001", "shard-%d" % i)) for i in (0, 1)]
        whole = docs(os.path.join(single, "gen-000001"))
        check(sum(shards) == whole and min(shards) > 0, "shards hold %s, one index %d"
              % (shards, whole))

def stub(db):
    with open(os.path.join(db, "XAPIANDB"), encoding="ascii") as f:
        return f.read().split("\n")


def test_nightly_rebuild_switches_every_shard():
    with TempDir() as tmp:
        single, sharded = build(tmp)
        src = os.path.join(tmp, "export")  # what the indexes hold: data/ and the copies
        os.makedirs(src)
        for name in os.listdir(ARGS.data):
            os.symlink(os.path.join(os.path.abspath(ARGS.data), name), os.path.join(src, name))
        with open(os.path.join(src, "copies.jsonl"), "w", encoding="utf-8") as f:
            f.write(copies())
        code, _, err = run([ARGS.reindex, "--db", sharded, "--source", src])
        check(code == 0, "izde-reindex of a sharded index: %d %s" % (code, err))
        check(stub(sharded)[:3] == ["auto gen-000002/meta", "auto gen-000002/shard-0",
                                    "auto gen-000002/shard-1"], "stub after the rebuild: %s"
              % stub(sharded))
        code, _, err = run([ARGS.reindex, "--db", single, "--source", src])
        check(code == 0, "izde-reindex of one index: %d %s" % (code, err))
        for q in ("swimmer", "boxing champions", "спортсмены"):
            one = answer([single], q, ["--facets", "-f", "json", "-n", "50"])
            two = answer([sharded], q, ["--facets", "-f", "json", "-n", "50"])
            check(one == two, "%r after the rebuilds: %s" % (q, difference(one, two)))
        for q in ("астана", "olympic", "олимп*"):  # synonym groups and a prefix too
            one = answer([single], q, ["--facets", "-f", "json", "-n", "50"])
            two = answer([sharded], q, ["--facets", "-f", "json", "-n", "50"])
            check(one == two, "%r after the rebuilds: %s" % (q, difference(one, two)))
        code, _, err = run([ARGS.reindex, "--db", sharded, "--source", src, "--shards", "3"])
        check(code == 0 and "auto gen-000003/shard-2" in stub(sharded),
              "izde-reindex --shards 3: %d %s %s" % (code, err, stub(sharded)))
        for q in ("olympic", "NOC", "спорт*"):
            one = answer([single], q, ["--facets", "-f", "json", "-n", "50"])
            three = answer([sharded], q, ["--facets", "-f", "json", "-n", "50"])
            check(one == three, "%r with 3 shards: %s" % (q, difference(one, three)))
        code, _, err = run([ARGS.reindex, "--db", sharded, "--rollback"])
        check(code == 0 and stub(sharded)[:3] == ["auto gen-000002/meta",
                                                  "auto gen-000002/shard-0",
                                                  "auto gen-000002/shard-1"],
              "rollback: %d %s %s" % (code, err, stub(sharded)))


if __name__ == "__main__":
    main([test_remote_shards_answer_as_one_index, test_searchd_over_remote_shards,
          test_a_shard_down_is_a_clear_error, test_updates_and_deletes_reach_their_shard,
          test_nightly_rebuild_switches_every_shard])
