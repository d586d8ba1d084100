"""End-to-end: export and import round trip. Indexes data/ (with its synonym groups), exports
it with `izde-query --export`, indexes the export into a new index and checks that the two
hold the same entries (ids and every stored field, against data/ read independently too) and
give the same results, scores and suggestions for every judged query of bench/relevance in
each of its configurations."""
import argparse
import concurrent.futures
import importlib.machinery
import importlib.util
import json
import os

from izde_e2e import TempDir, check, main, read_data, run

ap = argparse.ArgumentParser()
ap.add_argument("--indexer", required=True)
ap.add_argument("--query", required=True)
ap.add_argument("--data", required=True)
ap.add_argument("--relevance", required=True, help="bench/relevance (run, judgments.tsv)")
ap.add_argument("--configs", default="all",
                help="bench/relevance configurations compared, comma-separated, or all")
ARGS = ap.parse_args()
DATA = read_data(ARGS.data)
SYNONYMS = os.path.join(ARGS.data, "synonyms.conf")
STATE = {}


def load_relevance():
    """bench/relevance/run as a module: its judged queries and its configurations."""
    path = os.path.join(ARGS.relevance, "run")
    loader = importlib.machinery.SourceFileLoader("relevance_run", path)
    spec = importlib.util.spec_from_loader("relevance_run", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


REL = load_relevance()


def export(db, *args):
    code, out, err = run([ARGS.query, "--db", db, "--export", *args])
    check(code in (0, 1), "export of %s failed (%d): %s" % (db, code, err))
    return out


def test_index_data_export_and_index_the_export():
    db, again = STATE["db"], STATE["again"]
    code, out, err = run([ARGS.indexer, "--db", db, "--synonyms", SYNONYMS, ARGS.data])
    check(code == 0, "indexing data/: %d %s" % (code, err))
    STATE["export"] = export(db)
    path = os.path.join(STATE["tmp"], "export.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write(STATE["export"])
    code, out, err = run([ARGS.indexer, "--db", again, "--synonyms", SYNONYMS, path])
    n = len(STATE["export"].splitlines())
    check(code == 0 and "%d added, 0 updated, 0 unchanged, 0 deleted, 0 rejected" % n in err,
          "indexing the export: %d %s" % (code, err))


def test_export_holds_every_entry_of_data():
    lines = STATE["export"].splitlines()
    entries = [json.loads(line) for line in lines]
    ids = [e["id"] for e in entries]
    check(len(entries) == len(DATA) and len(set(ids)) == len(ids),
          "%d entries exported, %d in data/" % (len(entries), len(DATA)))
    check(ids == sorted(ids, key=lambda i: i.encode()), "exported in id order")
    by_id = {e["id"]: e for e in entries}
    jsonl = [e for e in DATA if "id" in e]
    for want in jsonl:
        got = by_id.get(want["id"])
        check(got is not None, "%s exported" % want["id"])
        check(got == want, "%s exported as stored: %s != %s" % (want["id"], got, want))
    # the news page's entries: dated as its headings, the language detected and stated
    page = sorted((e for e in entries if e["id"].startswith("noc-news-")), key=lambda e: e["date"])
    want_dates = sorted(e["date"] for e in DATA if "id" not in e)
    check([e["date"] for e in page] == want_dates, "page entries and dates")
    for e in page:
        check(e["lang"] == "en" and e["tags"] == ["NOC", "News"] and e["source"] == "noc-news.txt"
              and e["page_date"] == "2021-02-01", "page entry %s: %s" % (e["id"], e))
    for e in entries:
        check(e["lang"] in ("en", "kk", "ru"), "%s states its language" % e["id"])


def test_the_new_index_holds_the_same_entries():
    again = export(STATE["again"])
    check(again == STATE["export"], "exporting the new index gives the same bytes")
    for db in (STATE["db"], STATE["again"]):
        code, out, err = run([ARGS.query, "--db", db, "--count", "NOC OR Қазақстан OR спорт"])
        STATE.setdefault("counts", []).append(out.strip())
    check(STATE["counts"][0] == STATE["counts"][1], "counts %s" % STATE["counts"])


def results(db, flags, q):
    code, out, err = run([ARGS.query, "--db", db, "--format", "json", "--limit", "10"] + flags
                         + ["--", q])
    check(code in (0, 1), "%r: exit %d %s" % (q, code, err))
    doc = json.loads(out)
    return (doc["total"], doc["suggestion"],
            [(r["id"], round(r["score"], 9), r["duplicates"]) for r in doc["results"]])


def test_judged_queries_give_the_same_results():
    judged = REL.load_judgments(os.path.join(ARGS.relevance, "judgments.tsv"))
    names = list(REL.CONFIGS) if ARGS.configs == "all" else ARGS.configs.split(",")
    check(all(n in REL.CONFIGS for n in names), "configurations: %s" % names)
    jobs = []
    for name in names:
        flags, rewrite = REL.CONFIGS[name]
        for j in judged:
            jobs.append((name, flags, REL.prefix_query(j["query"]) if rewrite else j["query"]))
    # Two at a time: the test command runs two tests at once on two cores.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        first = list(ex.map(lambda t: results(STATE["db"], t[1], t[2]), jobs))
        second = list(ex.map(lambda t: results(STATE["again"], t[1], t[2]), jobs))
    differ = [(name, q, a, b) for (name, _, q), a, b in zip(jobs, first, second) if a != b]
    check(not differ, "%d of %d judged query runs differ, first: %s" % (len(differ), len(jobs),
                                                                        differ[:1]))
    check(sum(1 for r in first if r[2]) > len(jobs) // 2, "most judged queries find something")


def test_export_of_a_query():
    want = sorted(e["id"] for e in json.loads("[" + ",".join(STATE["export"].splitlines()) + "]")
                  if e["lang"] == "kk")
    got = sorted(json.loads(line)["id"] for line in export(STATE["db"], "lang:kk").splitlines())
    check(got == want, "--export lang:kk: %d entries, %d wanted" % (len(got), len(want)))
    # duplicates are exported, not collapsed
    got = [json.loads(line)["id"] for line in export(STATE["db"], "Hangzhou").splitlines()]
    check("en-2023-09-20-hangzhou-asian-games-team" in got
          and "en-2023-09-20-hangzhou-asian-games-team-inform" in got, "both copies: %s" % got)
    code, out, err = run([ARGS.query, "--db", STATE["db"], "--export", "--limit", "5"])
    check(code == 2 and "does not apply" in err, "--export --limit: %d %s" % (code, err))
    code, out, err = run([ARGS.query, "--db", STATE["db"], "--export", "--lang", "kk"])
    check(code == 2 and "query" in err, "--export --lang without a query: %d %s" % (code, err))


if __name__ == "__main__":
    with TempDir() as tmp:
        STATE.update(tmp=tmp, db=os.path.join(tmp, "index"), again=os.path.join(tmp, "again"))
        main([test_index_data_export_and_index_the_export, test_export_holds_every_entry_of_data,
              test_the_new_index_holds_the_same_entries, test_judged_queries_give_the_same_results,
              test_export_of_a_query])
