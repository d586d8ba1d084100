#!/usr/bin/env python3
"""The query language is total: random queries built from its grammar (words of data/ in three
languages, prefixes, phrases, fields, filters, groups, OR, NOT, NEAR/n, and junk) go through
izde-query and izde-searchd's /search. Every one must end in a result or a query error with a
message: izde-query exits 0, 1 (no match) or 4 (query error, with a message on stderr), never
a crash or exit 5; /search answers 200 or a 400 with a JSON error code and message, never 5xx.

  test_query_language.py --indexer I --query Q --searchd S --data DIR [--cli N] [--http N]
"""
import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from izde_e2e import Failure, TempDir, check, main, read_data, run, words  # noqa: E402

ARGS = None
SEED = 20261206


def vocabulary(data_dir):
    """Words of data/ by language, for queries that find something."""
    vocab = {}
    for e in read_data(data_dir):
        vocab.setdefault(e.get("lang") or "en", set()).update(
            w for w in words((e.get("title") or "") + " " + e["body"]) if len(w) > 1)
    return {k: sorted(v) for k, v in vocab.items()}


class Grammar:
    """A random query of the documented language (README "The query language"), now and then
    bent: unclosed quotes and parentheses, stray operators, junk characters."""

    JUNK = ["", "*", "**", "\"", "(", ")", ":", "-", "NEAR", "NEAR/", "NEAR/0", "NEAR/999999",
            "OR", "NOT", "AND", "title:", "tag:", "lang:", "date:", "date:2019-13-40",
            "date:..", "after:", "before:x", "\u0301", "\u200b", "<b>", "&amp;", "%", "\\",
            "😀", "Nur-Sultan", "www.olympic.kz", "press@olympic.kz", "O'Neil", "ё", "ﬁ",
            "20" * 40, "\t", "ә" * 70]

    def __init__(self, vocab, rnd):
        self.vocab, self.rnd = vocab, rnd
        self.langs = sorted(vocab)

    def word(self):
        r = self.rnd.random()
        if r < 0.85:
            return self.rnd.choice(self.vocab[self.rnd.choice(self.langs)])
        if r < 0.95:
            return self.rnd.choice(self.JUNK)
        return "".join(chr(self.rnd.randrange(0x21, 0x2FF)) for _ in range(self.rnd.randrange(1, 6)))

    def term(self, depth):
        r = self.rnd.random()
        if r < 0.40:
            return self.word()
        if r < 0.52:
            w = self.word()
            return w[: self.rnd.randrange(1, max(2, len(w) + 1))] + "*"
        if r < 0.64:
            close = "" if self.rnd.random() < 0.1 else "\""
            return "\"" + " ".join(self.word() for _ in range(self.rnd.randrange(1, 4))) + close
        if r < 0.72:
            return "title:" + self.term(depth + 1)
        if r < 0.80:
            return self.rnd.choice([
                "tag:" + self.rnd.choice(["NOC", "News", "Olympic Day", "x"]).replace(" ", ""),
                "lang:" + self.rnd.choice(["en", "kk", "ru", "de"]),
                "date:" + self.rnd.choice(["2019", "2020-06", "2018-06-01..2019-12-31", "2030"]),
                "after:2020-01-01", "before:2019-01-01"])
        if r < 0.92 and depth < 3:
            close = "" if self.rnd.random() < 0.1 else ")"
            return "(" + self.expr(depth + 1) + close
        return self.rnd.choice(["-", "NOT "]) + self.word()

    def op(self):
        return self.rnd.choice([" ", " ", " ", " OR ", " NOT ", " -", " NEAR ",
                                " NEAR/%d " % self.rnd.randrange(0, 30), " AND "])

    def expr(self, depth=0):
        q = self.term(depth)
        for _ in range(self.rnd.randrange(0, 4)):
            q += self.op() + self.term(depth)
        return q

    def query(self):
        if self.rnd.random() < 0.02:
            return "x" * self.rnd.choice([1024, 1025, 5000])
        return self.expr()


def queries(n, offset):
    rnd = random.Random(SEED + offset)
    g = Grammar(vocabulary(ARGS.data), rnd)
    return [g.query() for _ in range(n)]


def build_index(tmp):
    db = os.path.join(tmp, "index")
    code, _, err = run([ARGS.indexer, "--db", db, "--synonyms",
                        os.path.join(ARGS.data, "synonyms.conf"), ARGS.data])
    check(code == 0, "indexing data/ failed: %s" % err)
    return db


def test_cli_random_queries():
    with TempDir() as tmp:
        db = build_index(tmp)
        codes = {}
        for i, q in enumerate(queries(ARGS.cli, 0)):
            strict = ["--strict"] if i % 5 == 0 else []
            p = subprocess.run([ARGS.query, "--db", db, "--limit", "3", *strict, "--", q],
                               capture_output=True, timeout=60)
            codes[p.returncode] = codes.get(p.returncode, 0) + 1
            check(p.returncode in (0, 1, 4),
                  "izde-query exited %d on %r: %s" % (p.returncode, q, p.stderr[-300:]))
            if p.returncode == 4:
                check(p.stderr.strip(), "exit 4 without a message for %r" % q)
                if codes[4] <= 3:
                    print("      e.g. %r: %s" % (q[:60], p.stderr.decode(errors="replace").strip()[:120]))
        print("      izde-query: %d queries, exit codes %s" % (ARGS.cli, dict(sorted(codes.items()))))


def start_searchd(db, log_path):
    """izde-searchd on a free port; its log goes to a file (a pipe nobody reads would fill)."""
    log = open(log_path, "w")
    proc = subprocess.Popen([ARGS.searchd, "--db", db, "--listen", "127.0.0.1:0"],
                            stdout=subprocess.DEVNULL, stderr=log)
    for _ in range(300):
        with open(log_path, encoding="utf-8", errors="replace") as f:
            m = re.search(r"izde-searchd: listening on http://127\.0\.0\.1:(\d+)/", f.read())
        if m:
            return proc, int(m.group(1))
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    raise Failure("izde-searchd did not start")


def test_http_random_queries():
    with TempDir() as tmp:
        db = build_index(tmp)
        proc, port = start_searchd(db, os.path.join(tmp, "searchd.log"))
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            statuses, rnd = {}, random.Random(SEED)
            for q in queries(ARGS.http, 1):
                params = {"q": q, "per_page": rnd.choice(["1", "10", "100"])}
                if rnd.random() < 0.2:
                    params["facets"] = "1"
                if rnd.random() < 0.1:
                    params["page"] = rnd.choice(["2", "50"])
                conn.request("GET", "/search?" + urllib.parse.urlencode(params))
                resp = conn.getresponse()
                body = resp.read()
                statuses[resp.status] = statuses.get(resp.status, 0) + 1
                check(resp.status in (200, 400), "/search answered %d to %r: %r" %
                      (resp.status, q, body[:300]))
                doc = json.loads(body)
                if resp.status == 400:
                    e = doc.get("error") or {}
                    check(e.get("code") and e.get("message"),
                          "400 without code and message for %r: %r" % (q, body[:300]))
            conn.close()
            check(proc.poll() is None, "izde-searchd died")
            print("      /search: %d queries, statuses %s" % (ARGS.http, dict(sorted(statuses.items()))))
        finally:
            proc.terminate()
            proc.wait(20)


def test_near_takes_every_documented_form():
    """NEAR over prefixes, groups, alternatives, fields and Kazakh forms runs; what cannot be
    placed inside NEAR is a query error naming its position."""
    with TempDir() as tmp:
        db = build_index(tmp)
        found = ["olympic* NEAR/3 games", "oil* NEAR/3 price", "olympic NEAR/3 (team kazakhstan)",
                 "olymp* NEAR/5 (games OR day)", "title:olympic NEAR day",
                 "\"olympic day\" NEAR/5 run", "олимпиада NEAR/3 күні", "олимпиадасы NEAR/3 күн"]
        for q in found:
            code, out, err = run([ARGS.query, "--db", db, "--count", "--", q])
            check(code in (0, 1), "%r: exit %d: %s" % (q, code, err))
        for q in ["olympic* NEAR/3 games", "olympic NEAR/3 (team kazakhstan)", "олимпиада NEAR/3 күні"]:
            code, out, err = run([ARGS.query, "--db", db, "--count", "--", q])
            check(code == 0 and int(out) > 0, "%r finds nothing: %s %s" % (q, out, err))
        code, _, err = run([ARGS.query, "--db", db, "--", "(olympic OR \"olympic day\") NEAR run"])
        check(code == 4 and "position" in err and "NEAR" in err, "exit %d: %s" % (code, err))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--indexer", required=True)
    ap.add_argument("--query", required=True)
    ap.add_argument("--searchd", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--cli", type=int, default=1000, help="queries through izde-query")
    ap.add_argument("--http", type=int, default=4000, help="queries through /search")
    ARGS = ap.parse_args()
    main([test_near_takes_every_documented_form, test_cli_random_queries,
          test_http_random_queries])
