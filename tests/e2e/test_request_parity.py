#!/usr/bin/env python3
"""izde-query and izde-searchd read a request through one vocabulary (izde/request.h): the same
query, filters and page, given as options and as URL parameters, must give the same ids and
total, and a value one refuses the other refuses with the same message. Requests are drawn at
random (seeded, so a failure can be replayed) from the words, tags and dates of data/, with
bad values mixed in."""
import argparse
import json
import random
import urllib.parse

from izde_e2e import Daemon, TempDir, check, get_json, main, read_data, run, words

ap = argparse.ArgumentParser()
ap.add_argument("--searchd", required=True)
ap.add_argument("--indexer", required=True)
ap.add_argument("--query", required=True)
ap.add_argument("--data", required=True)
ap.add_argument("--requests", type=int, default=300)
ap.add_argument("--seed", type=int, default=20261206)
ARGS = ap.parse_args()
DATA = read_data(ARGS.data)
PORT = [None]

# URL parameter -> izde-query option (None: a switch given as "1").
OPTIONS = {"lang": "--lang", "from": "--from", "to": "--to", "tag": "--tag", "sort": "--sort",
           "recency": "--recency", "facets": "--facets", "strict": "--strict",
           "no_collapse": "--no-collapse"}
SWITCHES = {"facets", "strict", "no_collapse"}


def draw_request(rng, vocab, tags):
    """A list of (name, value) pairs, as both programs will get them."""
    q = " ".join(rng.choice(vocab) for _ in range(rng.choice((1, 1, 2, 3))))
    if rng.random() < 0.1:
        q = rng.choice(("oil*", '"%s %s"' % (rng.choice(vocab), rng.choice(vocab)),
                        "%s OR %s" % (rng.choice(vocab), rng.choice(vocab)), "(unclosed"))
    params = [("q", q)]
    if rng.random() < 0.3:
        params.append(("lang", rng.choice(("en", "kk", "ru", "de", "KK"))))
    for name in ("from", "to"):
        if rng.random() < 0.25:
            day = "%04d-%02d-%02d" % (rng.choice((2018, 2020, 2021, 2022)), rng.randint(1, 12),
                                      rng.randint(1, 31))  # some do not exist (02-30)
            params.append((name, rng.choice((day, day + "T10:00:00Z", "yesterday"))))
    for _ in range(rng.choice((0, 0, 0, 1, 2))):
        params.append(("tag", rng.choice(tags)))
    if rng.random() < 0.3:
        params.append(("sort", rng.choice(("relevance", "date", "newest"))))
    if rng.random() < 0.2:
        params.append(("recency", rng.choice(("0", "2.5", "100", "101", "-1", "x"))))
    for name in SWITCHES:
        if rng.random() < 0.1:
            params.append((name, "1"))
    page = rng.choice((1, 1, 1, 2, 3))
    per_page = rng.choice((10, 10, 5, 1, 100))
    return params, page, per_page


def through_http(params, page, per_page):
    url = "/search?" + urllib.parse.urlencode(params + [("page", page), ("per_page", per_page)])
    status, _, doc = get_json(url, port=PORT[0])
    return status, doc


def through_cli(db, params, page, per_page):
    args = [ARGS.query, "--db", db, "--format", "json", "--offset", str((page - 1) * per_page),
            "--limit", str(per_page)]
    q = None
    for name, value in params:
        if name == "q":
            q = value
        elif name in SWITCHES:
            args.append(OPTIONS[name])
        else:
            args += [OPTIONS[name], value]
    return run(args + ["--", q])


def test_same_answers_and_refusals():
    rng = random.Random(ARGS.seed)
    vocab = sorted({w for e in DATA for w in words(e["body"]) if len(w) > 3})
    tags = sorted({t for e in DATA for t in e.get("tags") or []}) or ["none"]
    with TempDir() as tmp:
        db = tmp + "/db"
        code, _, err = run([ARGS.indexer, "--db", db, ARGS.data])
        check(code == 0, "indexer: %d %s" % (code, err))
        daemon = Daemon(ARGS.searchd, "--db", db, "--listen", "127.0.0.1:0")
        PORT[0] = daemon.port
        try:
            answered = refused = 0
            for i in range(ARGS.requests):
                params, page, per_page = draw_request(rng, vocab, tags)
                status, doc = through_http(params, page, per_page)
                code, out, err = through_cli(db, params, page, per_page)
                what = "request %d %s page %d/%d" % (i, params, page, per_page)
                if status == 200:
                    answered += 1
                    check(code in (0, 1), "%s: HTTP 200, CLI exit %d %s" % (what, code, err))
                    cli = json.loads(out)
                    ids = lambda d: [h["id"] for h in d["results"]]
                    check(ids(doc) == ids(cli), "%s: ids %s vs %s" % (what, ids(doc), ids(cli)))
                    check(doc["total"] == cli["total"],
                          "%s: total %d vs %d" % (what, doc["total"], cli["total"]))
                else:
                    refused += 1
                    check(status == 400, "%s: HTTP %d %s" % (what, status, doc))
                    message = doc["error"]["message"]
                    check(code in (2, 4) and message in err,
                          "%s: HTTP says %r, CLI exit %d %r" % (what, message, code, err))
            check(answered > ARGS.requests // 3 and refused > ARGS.requests // 20,
                  "a fair mix: %d answered, %d refused" % (answered, refused))
            print("      %d requests: %d answered alike, %d refused alike" %
                  (ARGS.requests, answered, refused))
        finally:
            daemon.stop()


main([test_same_answers_and_refusals])
