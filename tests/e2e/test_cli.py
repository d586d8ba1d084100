"""End-to-end tests of izde-indexer and izde-query on the sample news in data/.

Expected results come from reading data/ directly (izde_e2e.read_data), not from izde."""
import argparse
import csv
import io
import json
import os
import re
import shutil

from izde_e2e import Failure, TempDir, check, main, read_data, run, words

ap = argparse.ArgumentParser()
ap.add_argument("--indexer", required=True)
ap.add_argument("--query", required=True)
ap.add_argument("--data", required=True)
ARGS = ap.parse_args()
DATA = read_data(ARGS.data)
STATE = {}


def query(*args, env=None):
    return run([ARGS.query, "--db", STATE["db"], *args], env=env)


def ids_of(*args):
    code, out, err = query("--format", "jsonl", "--all", *args)
    check(code in (0, 1), "izde-query %s failed (%d): %s" % (args, code, err))
    return [json.loads(line)["id"] for line in out.splitlines() if line.strip()]


def data_ids(pred):
    return {e["id"] for e in DATA if "id" in e and pred(e)}


def test_index_data_folder():
    code, out, err = run([ARGS.indexer, "--db", STATE["db"], ARGS.data])
    check(code == 0, "indexer exit %d: %s" % (code, err))
    jsonl = sum(1 for e in DATA if "id" in e)
    check("%d added" % (jsonl + 15) in err, "summary line: " + err)
    check("heading '28 june 2019' has no text" in err, "empty heading warning: " + err)
    # a second run changes nothing
    code, out, err = run([ARGS.indexer, "--db", STATE["db"], ARGS.data])
    check(code == 0 and "0 added, 0 updated, %d unchanged" % (jsonl + 15) in err, err)


def test_seed_page_gives_15_dated_entries():
    found = ids_of("--sort", "date", "tag:NOC")
    page = sorted(i for i in found if i.startswith("noc-news-"))
    dates = sorted(re.sub(r"noc-news-(\d{8})-1", r"\1", i) for i in page)
    want = sorted(e["date"].replace("-", "") for e in DATA if "id" not in e)
    check(len(page) == 15, "page entries: %d" % len(page))
    check(dates == want, "page dates %s != %s" % (dates, want))


def test_english_stemming_swimmer():
    want = data_ids(lambda e: any(w.startswith("swimmer") for w in words(e["title"]) + words(e["body"])))
    want |= {"noc-news-20200911-1"}
    check(len(want) >= 2, "oracle found the swimmer stories")
    for q in ("swimmer", "swimmers", "Swimmers"):
        got = set(ids_of(q))
        check(want <= got, "%s: %s missing" % (q, want - got))
        check(all(not i.startswith("kk-") for i in got), "%s found Kazakh entries" % q)


def test_russian_query_in_another_case():
    paradigm = {"спортсмен" + end for end in ("", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах")}
    forms = lambda e: [w for w in words(e["title"]) + words(e["body"]) if w in paradigm]
    want = data_ids(lambda e: e.get("lang") == "ru" and forms(e))
    check(len(want) >= 2, "oracle: Russian entries with спортсмен-")
    got = set(ids_of("спортсменов", "lang:ru"))
    check(got == want, "спортсменов: got %s want %s" % (sorted(got), sorted(want)))
    # an entry that has only other case forms is found too
    other = [e["id"] for e in DATA if e.get("lang") == "ru" and forms(e)
             and "спортсменов" not in forms(e)]
    check(other, "oracle: an entry without the exact form")
    check(set(other) <= got, "other case forms: %s" % other)


def test_yo_and_ye_spelling_are_the_same():
    a, b = ids_of("ёлка"), ids_of("елка")
    check(a == b and a, "ёлка %s != елка %s" % (a, b))
    check("ru-2018-12-28-new-year-yolka" in a, "the New Year story")
    check(ids_of("ЁЛКУ") == ids_of("елку"), "upper case and ё")


def test_phrase():
    want = data_ids(lambda e: re.search(r"olympic\s+day", (e.get("title") or "") + " " + e["body"], re.I))
    want |= {i for i in ids_of("tag:NOC") if i.startswith("noc-news-")} & \
        {i for i in ids_of('"olympic day"')}
    got = set(ids_of('"Olympic Day"'))
    check(want and want <= got, "phrase: missing %s" % (want - got))
    both_words = set(ids_of("olympic", "day"))
    check(got <= both_words, "a phrase match has both words")
    check(not set(ids_of('"day olympic"')) & got - want, "reversed phrase does not match")


def test_date_range_and_tag_filter():
    in_range = lambda e: "2018-06-01" <= (e.get("date") or "")[:10] <= "2018-12-31"
    got = ids_of("date:2018-06-01..2018-12-31", "tag:NOC")
    want = data_ids(lambda e: in_range(e) and "NOC" in e.get("tags", []))
    want |= {i for i in got if i.startswith("noc-news-")}
    check(set(got) == want, "date range: %s vs %s" % (sorted(got), sorted(want)))
    code, out, _ = query("--format", "json", "--limit", "100", "--tag", "UNESCO", "--from",
                         "2018-01-01", "--to", "2019-06-30", "ЮНЕСКО")
    got = {r["id"] for r in json.loads(out)["results"]}
    want = data_ids(lambda e: "UNESCO" in e.get("tags", []) and "юнеско" in words(e["body"])
                    and "2018-01-01" <= e.get("date", "") <= "2019-06-30")
    check(want and got == want, "tag and dates: %s vs %s" % (sorted(got), sorted(want)))


def test_json_shape_and_snippets():
    code, out, err = query("--format", "json", "--facets", "Kazakhstan")
    check(code == 0, err)
    doc = json.loads(out)
    for key in ("query", "total", "offset", "limit", "results", "facets", "suggestion", "took_ms"):
        check(key in doc, "json key " + key)
    r = doc["results"][0]
    for key in ("id", "date", "lang", "title", "snippet", "highlights", "tags", "url", "score"):
        check(key in r, "result key " + key)
    check("<mark>" in r["snippet"], "highlighted snippet: " + r["snippet"])
    plain = r["snippet_text"]
    for h in r["highlights"]:
        word = plain[h["start"]:h["start"] + h["length"]]
        check(word.lower().startswith("kazakhstan"), "highlight offsets point at %r" % word)
    years = {f["value"]: f["count"] for f in doc["facets"]["year"]}
    check(sum(years.values()) == doc["total"], "year facet counts cover every match")


def test_csv_and_count_agree_with_all():
    code, out, err = query("--format", "csv", "--all", "NOC")
    check(code == 0, err)
    rows = list(csv.reader(io.StringIO(out)))
    check(rows[0] == ["id", "date", "lang", "title", "snippet", "tags", "url", "score"], rows[0])
    code, count, _ = query("--count", "NOC")
    check(int(count) == len(rows) - 1, "count %s vs csv rows %d" % (count, len(rows) - 1))
    check(len({r[0] for r in rows[1:]}) == len(rows) - 1, "no id twice")


def test_paging_never_repeats():
    seen = []
    for page in range(0, 60, 7):
        code, out, _ = query("--format", "json", "--limit", "7", "--offset", str(page), "NOC")
        seen += [r["id"] for r in json.loads(out)["results"]]
    check(len(seen) == len(set(seen)), "paging repeated an entry")
    check(sorted(seen) == sorted(ids_of("NOC")), "paging covers every match")


def test_errors_and_exit_codes():
    code, out, err = run([ARGS.query, "--db", "/nonexistent/izde-index", "x"])
    check(code == 3 and "/nonexistent/izde-index" in err and "izde-indexer" in err, err)
    code, out, err = query("--from", "2019-02-30", "x")
    check(code == 2 and "2019-02-30" in err, err)
    code, out, err = query("--bogus", "x")
    check(code == 2, "unknown option: %d" % code)
    code, out, err = query("   ")
    check(code == 4 and "empty" in err, err)
    code, out, err = query("--strict", '"unclosed phrase')
    check(code == 4 and "position" in err, err)
    code, out, err = query('"unclosed phrase')
    check(code in (0, 1), "lenient mode reads it anyway: %d %s" % (code, err))
    code, out, err = query("zzzqqqxxx")
    check(code == 1 and "No entries match" in out, out)
    code, out, err = query("--help")
    check(code == 0 and "Usage: izde-query" in out and "Exit status" in out, "help")
    # an option another one would silently override is refused
    for args, says in ((["--all", "--limit", "3"], "--all streams every match"),
                       (["--all", "--offset", "3"], "--all streams every match"),
                       (["--count", "--all"], "--count prints the number alone"),
                       (["--count", "--facets"], "--count prints the number alone"),
                       (["--facets", "--format", "csv"], "--facets are shown on a page"),
                       (["--facets", "--all"], "--facets are shown on a page"),
                       (["--recency", ""], "--recency needs a value"),
                       (["--offset", "-1"], "offset must be a whole number from 0")):
        code, out, err = query(*args, "NOC")
        check(code == 2 and says in err, "%s: %d %s" % (args, code, err))


def test_empty_page_is_not_no_match():
    n = int(query("--count", "UNESCO")[1])
    check(n > 1, "UNESCO matches: %d" % n)
    code, out, err = query("--facets", "--limit", "0", "UNESCO")
    check(code == 0 and out.startswith("%d matches (" % n), "--limit 0: %d %s" % (code, out))
    check("tag: " in out and "No entries match" not in out, "--limit 0: " + out)
    code, out, err = query("--offset", "1000", "UNESCO")
    check(code == 0 and "No entries match" not in out and "--offset 1000" in out,
          "offset past the end: " + out)
    code, out, err = query("--limit", "1", "Khudyakov", "swim")
    check(code == 0 and out.startswith("1 match, showing 1-1 ("), "one match: " + out)
    code, out, err = query("--limit", "0", "zzzqqqxxx")
    check(code == 1 and "No entries match zzzqqqxxx" in out, "no match: " + out)


def test_shipped_synonyms_apply_by_default():
    """The index of test_index_data_folder was built without --synonyms: the shipped groups
    (data/synonyms.conf) apply. --no-synonyms, "synonyms = none" and a file of one's own
    replace them, and a run without either stores the shipped ones again."""
    text = lambda e: ((e.get("title") or "") + " " + e["body"]).lower()
    only_new_name = data_ids(lambda e: "nur-sultan" in text(e) and "astana" not in text(e))
    check(only_new_name, "oracle: entries that say Nur-Sultan and not Astana")
    check(only_new_name <= set(ids_of("Astana")), "Astana finds Nur-Sultan by default")
    with TempDir() as tmp:
        db = os.path.join(tmp, "db")
        en = os.path.join(ARGS.data, "entries-en.jsonl")
        code, out, err = run([ARGS.indexer, "--db", db, "--quiet", "--no-synonyms", en])
        check(code == 0, err)
        astana = lambda: set(json.loads(l)["id"] for l in run(
            [ARGS.query, "--db", db, "--all", "--format", "jsonl", "Astana"])[1].splitlines())
        check(not (only_new_name & astana()), "--no-synonyms: Astana finds only Astana")
        conf = os.path.join(tmp, "izde.conf")
        groups = os.path.join(tmp, "groups.conf")
        with open(groups, "w") as f:
            f.write("Astana = Nur-Sultan\n")
        for setting, found in (("none", False), (groups, True)):
            with open(conf, "w") as f:
                f.write("synonyms = %s\n" % setting)
            code, out, err = run([ARGS.indexer, "--db", db, "--config", conf, "--quiet", en])
            check(code == 0, err)
            got = bool(only_new_name & astana())
            check(got == found, "synonyms = %s: Nur-Sultan found %s" % (setting, got))
        code, out, err = run([ARGS.indexer, "--db", db, "--quiet", "--no-synonyms"])
        check(code == 0 and not (only_new_name & astana()), "--no-synonyms alone: %s" % err)
        code, out, err = run([ARGS.indexer, "--db", db, "--quiet", en])
        check(code == 0 and only_new_name & astana(), "the shipped groups again: %s" % err)
        code, out, err = run([ARGS.indexer, "--db", db, "--synonyms", "/nonexistent/s.conf"])
        check(code == 2 and "synonyms file /nonexistent/s.conf" in err, "missing file: " + err)
        code, out, err = run([ARGS.indexer, "--db", db, "--synonyms", groups, "--no-synonyms"])
        check(code == 2, "both --synonyms and --no-synonyms: %d" % code)
        # installed: the groups of share/izde/ beside bin/, whatever the prefix
        prefix = os.path.join(tmp, "usr")
        os.makedirs(os.path.join(prefix, "bin"))
        os.makedirs(os.path.join(prefix, "share", "izde"))
        indexer = os.path.join(prefix, "bin", "izde-indexer")
        shutil.copy(ARGS.indexer, indexer)
        shutil.copy(groups, os.path.join(prefix, "share", "izde", "synonyms.conf"))
        code, out, err = run([indexer, "--help"])
        check(os.path.join(prefix, "share", "izde", "synonyms.conf") in out, "--help: " + out)
        code, out, err = run([indexer, "--db", db, "--quiet", "--no-synonyms", en])
        code, out, err = run([indexer, "--db", db, "--quiet", en])
        check(code == 0 and only_new_name & astana(), "installed groups: %s" % err)


def test_config_file_gives_db_and_jobs():
    """The shared config file: db and jobs from the file; --db and $IZDE_DB win over it; a
    key of another program is left alone; a bad line stops with FILE:LINE."""
    with TempDir() as tmp:
        conf = os.path.join(tmp, "izde.conf")
        db = os.path.join(tmp, "from-conf")
        with open(conf, "w") as f:
            f.write("# shared\ndb = \"%s\"\njobs = 1\nlisten = 127.0.0.1:0\n" % db)
        code, out, err = run([ARGS.indexer, "--config", conf, "--quiet",
                              os.path.join(ARGS.data, "entries-en.jsonl")])
        check(code == 0 and os.path.exists(os.path.join(db, "XAPIANDB")), "indexer: " + err)
        code, out, err = run([ARGS.query, "--count", "swimmers"], env={"IZDE_CONFIG": conf})
        check(code == 0 and int(out) > 0, "query through $IZDE_CONFIG: %d %s" % (code, err))
        code, out, err = run([ARGS.query, "--config", conf, "--db", STATE["db"], "--count",
                              "Қазақстан"])
        check(code == 0 and int(out) > 0, "--db wins over the file: %s %s" % (out, err))
        code, out, err = run([ARGS.query, "--config", conf, "--count", "x"],
                             env={"IZDE_DB": os.path.join(tmp, "nowhere")})
        check(code == 3 and "nowhere" in err, "$IZDE_DB wins over the file: %d %s" % (code, err))
        with open(conf, "a") as f:
            f.write("jobz = 2\n")
        for prog in (ARGS.indexer, ARGS.query):
            code, out, err = run([prog, "--config", conf, "x"])
            check(code == 2 and "izde.conf:5: unknown setting 'jobz'" in err,
                  "%s, bad key: %d %s" % (prog, code, err))


def test_indexer_rejects_bad_lines_and_keeps_the_rest():
    with TempDir() as tmp:
        path = os.path.join(tmp, "mixed.jsonl")
        with open(path, "wb") as f:
            f.write(b'{"id":"ok1","body":"first good entry"}\n')
            f.write(b'{"id":"bad1","body":\n')
            f.write(b'{"id":"bad2","body":"\xff\xfe broken bytes"}\n')
            f.write(b'{"id":"bad3"}\n')
            f.write(b'{"id":"bad4","body":"x","date":"2021-02-30"}\n')
            f.write(b'{"id":"ok2","body":"second good entry"}\n')
        db = os.path.join(tmp, "db")
        code, out, err = run([ARGS.indexer, "--db", db, path])
        check(code == 1, "exit code with rejections: %d" % code)
        for line in (2, 3, 4, 5):
            check("mixed.jsonl:%d:" % line in err, "line %d reported: %s" % (line, err))
        check("2 added" in err and "4 rejected" in err, err)
        code, out, err = run([ARGS.query, "--db", db, "--count", "good"])
        check(out.strip() == "2", "good entries indexed: " + out)
        code, out, err = run([ARGS.indexer, "--db", db])
        check(code == 2 and "no input" in err, "no input: %d" % code)
        code, out, err = run([ARGS.indexer, "--db", db, "--delete"])
        check(code == 2 and "no entry ids given to --delete" in err, "--delete: " + err)
        code, out, err = run([ARGS.indexer, "--db", db, "--rebuild", "--no-synonyms"])
        check(code == 2 and "no input given to --rebuild" in err, "empty rebuild: " + err)
        check(run([ARGS.query, "--db", db, "--count", "good"])[1].strip() == "2", "kept")
        code, out, err = run([ARGS.indexer, "--db", db, "--rebuild", path + ".missing"])
        last = err.strip().splitlines()[-1]
        check(code == 2 and last.endswith("the rebuild was dropped, the live index is unchanged"),
              "summary of a failed rebuild: " + last)


if __name__ == "__main__":
    with TempDir() as tmp:
        STATE["db"] = os.path.join(tmp, "index")
        main([test_index_data_folder, test_seed_page_gives_15_dated_entries,
              test_english_stemming_swimmer, test_russian_query_in_another_case,
              test_yo_and_ye_spelling_are_the_same, test_phrase, test_date_range_and_tag_filter,
              test_json_shape_and_snippets, test_csv_and_count_agree_with_all,
              test_paging_never_repeats, test_errors_and_exit_codes,
              test_empty_page_is_not_no_match, test_shipped_synonyms_apply_by_default,
              test_config_file_gives_db_and_jobs,
              test_indexer_rejects_bad_lines_and_keeps_the_rest])
