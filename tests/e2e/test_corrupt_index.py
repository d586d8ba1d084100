"""End-to-end: an index izde cannot read. Copies of a small index get another recorded format
(1, 2, 5, none: set with xapian-metadata, as an older or newer izde leaves it) or a damaged
table file (postlist, docdata, termlist, position: cut to nothing, cut in half, overwritten);
then izde-query, izde-indexer (adding), izde-searchd and izde-reindex run on each. Every one
ends with a documented exit status and a message that says what is wrong and what to do;
none crashes. izde-reindex rebuilds each from its sources, after which izde-query reads it."""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import urllib.error
import urllib.request

from izde_e2e import TempDir, check, main, run

ap = argparse.ArgumentParser()
ap.add_argument("--indexer", required=True)
ap.add_argument("--query", required=True)
ap.add_argument("--searchd", required=True)
ap.add_argument("--reindex", required=True)
ARGS = ap.parse_args()
STATE = {}

WORDS = ["swimmer", "boxing", "olympic", "astana", "medal", "stadium", "coach", "record"]
REBUILD = "izde-reindex --db"
CRASH = "killed by signal"  # a negative exit status in Python


def write_source(folder):
    """Twenty entries: enough that each table spans several blocks."""
    os.makedirs(folder)
    with open(os.path.join(folder, "news.jsonl"), "w", encoding="utf-8") as f:
        for i in range(20):
            body = " ".join("%s%d %s" % (WORDS[(i + k) % len(WORDS)], k, WORDS[k % len(WORDS)])
                            for k in range(200))
            f.write(json.dumps({"id": "e%d" % i, "date": "2021-02-%02d" % (i + 1),
                                "lang": "en", "title": "%s news %d" % (WORDS[i % 8], i),
                                "body": body}) + "\n")


def generation(db):
    names = [n for n in os.listdir(db) if n.startswith("gen-")]
    check(len(names) == 1, "one generation in %s: %s" % (db, names))
    return os.path.join(db, names[0])


def copy_of(name):
    db = os.path.join(STATE["tmp"], name)
    shutil.rmtree(db, ignore_errors=True)
    shutil.copytree(STATE["good"], db)
    return db


def set_format(db, version):
    """Records version in the index's metadata ("" removes the key) with Xapian's own tool."""
    p = subprocess.run(["xapian-metadata", "set", generation(db), "izde.schema", version],
                       capture_output=True, text=True)
    check(p.returncode == 0, "xapian-metadata set: %s" % p.stderr)


def damage(db, table, how):
    path = os.path.join(generation(db), table + ".glass")
    size = os.path.getsize(path)
    if how == "empty":
        os.truncate(path, 0)
    elif how == "half":
        os.truncate(path, size // 2)
    else:
        with open(path, "r+b") as f:
            f.seek(0)
            f.write(bytes((i * 7 + 13) & 255 for i in range(size)))


def no_crash(prog, code, err):
    check(code >= 0, "%s %s %d: %s" % (prog, CRASH, -code, err))
    check("AddressSanitizer" not in err and "runtime error" not in err,
          "%s: sanitizer report: %s" % (prog, err))


def query(db, word="swimmer0"):
    code, out, err = run([ARGS.query, "--db", db, word])
    no_crash("izde-query", code, err)
    return code, err


def add(db):
    extra = os.path.join(STATE["tmp"], "extra.jsonl")
    with open(extra, "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "late", "lang": "en", "body": "a late swimmer0 story"}) + "\n")
    code, out, err = run([ARGS.indexer, "--db", db, extra])
    no_crash("izde-indexer", code, err)
    return code, err


def searchd(db):
    """Starts izde-searchd on db. Returns (exit code or None when it serves, stderr so far,
    the HTTP status and body of one search when it serves)."""
    p = subprocess.Popen([ARGS.searchd, "--db", db, "--listen", "127.0.0.1:0"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         encoding="utf-8", errors="replace")
    port, lines = None, []
    for line in p.stderr:
        lines.append(line)
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
        if m:
            port = int(m.group(1))
            break
    if port is None:
        code = p.wait(timeout=60)
        err = "".join(lines)
        no_crash("izde-searchd", code, err)
        return code, err, None, None
    try:
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/search?q=swimmer0" % port,
                                        timeout=30) as r:
                status, body = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read().decode()
        check(p.poll() is None, "izde-searchd died serving a damaged index")
    finally:
        p.send_signal(signal.SIGTERM)
        code = p.wait(timeout=60)
        rest = p.stderr.read()
    err = "".join(lines) + rest
    no_crash("izde-searchd", code, err)
    check(code == 0, "izde-searchd stopped with %d: %s" % (code, err))
    return None, err, status, body


def reindex(db):
    code, out, err = run([ARGS.reindex, "--db", db, "--source", STATE["source"]])
    no_crash("izde-reindex", code, err)
    check(code == 0, "izde-reindex on %s: %d %s" % (db, code, err))
    code, err = query(db)
    check(code == 0, "izde-query after the rebuild of %s: %d %s" % (db, code, err))


def test_build_a_small_index():
    STATE["source"] = os.path.join(STATE["tmp"], "source")
    STATE["good"] = os.path.join(STATE["tmp"], "good")
    write_source(STATE["source"])
    code, out, err = run([ARGS.reindex, "--db", STATE["good"], "--source", STATE["source"]])
    check(code == 0, "first build: %d %s" % (code, err))
    code, err = query(STATE["good"])
    check(code == 0, "izde-query on the good index: %d %s" % (code, err))
    code, err = add(copy_of("good-copy"))
    check(code == 0, "izde-indexer adding to a good copy: %d %s" % (code, err))


def test_formats_it_cannot_read_are_refused_with_the_way_out():
    cases = [("1", "index format 1 at %s is older than this izde (format 7)"),
             ("8", "index format 8 at %s is newer than this izde (format 7)"),
             ("", "index at %s records no format this izde knows")]
    for version, want in cases:
        db = copy_of("format-" + (version or "none"))
        set_format(db, version)
        says = want % db
        code, err = query(db)
        check(code == 3 and says in err and REBUILD in err,
              "izde-query on format %r: %d %s" % (version, code, err))
        code, err = add(db)
        check(code == 2 and says in err and REBUILD in err,
              "izde-indexer on format %r: %d %s" % (version, code, err))
        code, err, status, _ = searchd(db)
        check(code == 3 and says in err and REBUILD in err,
              "izde-searchd on format %r: %s %s" % (version, code, err))
        reindex(db)


def test_format_2_is_read_but_only_rebuilt():
    db = copy_of("format-2")
    set_format(db, "2")
    code, err = query(db)
    check(code == 0, "izde-query reads format 2: %d %s" % (code, err))
    code, err = add(db)
    check(code == 2 and "index format 2 at %s is older than this izde (format 7), which only "
          "rebuilds it" % db in err and REBUILD in err, "izde-indexer on format 2: %d %s"
          % (code, err))
    reindex(db)


def test_damaged_tables_get_a_message_not_a_crash():
    seen = set()
    for table in ("postlist", "docdata", "termlist", "position"):
        for how in ("empty", "half", "garbage"):
            db = copy_of("%s-%s" % (table, how))
            damage(db, table, how)
            what = "%s %s" % (table, how)
            code, err = query(db)
            # a table the search does not read may be damaged unseen (0); else exit 3
            check(code in (0, 3), "izde-query on %s: %d %s" % (what, code, err))
            if code == 3:
                check("index is corrupt" in err and "rebuild" in err,
                      "izde-query on %s: %s" % (what, err))
                seen.add(table)
            code, err = add(db)
            check(code in (0, 2), "izde-indexer on %s: %d %s" % (what, code, err))
            if code == 2:
                check("index is corrupt" in err, "izde-indexer on %s: %s" % (what, err))
            code, err, status, body = searchd(db)
            if code is not None:
                check(code == 3 and "index is corrupt" in err,
                      "izde-searchd start on %s: %d %s" % (what, code, err))
            else:  # it opened: a search answers, or says the index is unavailable
                check(status == 200 or (status == 503 and "index_unavailable" in body),
                      "izde-searchd /search on %s: %s %s" % (what, status, body))
            reindex(db)
    check({"postlist", "docdata", "position"} <= seen,
          "damage found by izde-query in %s only" % sorted(seen))


if __name__ == "__main__":
    with TempDir() as tmp:
        STATE["tmp"] = tmp
        main([test_build_a_small_index, test_formats_it_cannot_read_are_refused_with_the_way_out,
              test_format_2_is_read_but_only_rebuilt,
              test_damaged_tables_get_a_message_not_a_crash])
