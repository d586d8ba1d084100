#!/usr/bin/env python3
"""bench/report.py — turns the figures of bench/run into RESULTS.md.

Reads OUT/runs/*/metrics.tsv ("engine<TAB>figure<TAB>value" lines), OUT/machine.tsv,
OUT/gen.tsv, OUT/corpus/corpus.info and OUT/commands.txt. Every figure is the median of the
runs with its spread (min-max); every izde/peer ratio is computed within each run, pair by
pair, and then summarised the same way.

Checks that every engine produced every figure as a number and that no engine reported a
failed query; exits 1 (after writing what it could) when one did not. Never asserts a timing.

Usage: report.py --out DIR [--results FILE]   (default FILE: DIR/RESULTS.md)
"""
import argparse
import math
import os
import re
import statistics
import sys

INDEXERS = [  # (engine, label)
    ("izde_index", "izde-indexer --rebuild (default jobs: one per core)"),
    ("floor_index", "floor: bare Xapian, single thread"),
    ("sphinx_index", "Sphinx 2.2 indexer"),
    ("fts5_index", "SQLite FTS5"),
]
QUERY_ENGINES = [  # (engine, label, has 2 clients)
    ("izde_searchd", "izde-searchd over HTTP (JSON, snippets)", True),
    ("izde_searchd_extra", "izde-searchd, facets=1 (counted over every match)", False),
    ("izde_inproc", "izde in-process (izde_search + snippets + JSON)", False),
    ("sphinx", "Sphinx 2.2 searchd over SphinxQL (SNIPPET())", True),
    ("fts5", "SQLite FTS5 (bm25, snippet())", True),
    ("floor", "floor: bare Xapian via izde/xapian.h, no snippets", True),
]
LAT = ["p50_ms", "p95_ms", "p99_ms", "qps"]


def required():
    req = []
    for e, _ in INDEXERS:
        req += [(e, f) for f in ("wall_s", "peak_rss_mb", "cpu_s", "size_mb")]
    req += [("floor_compact", "wall_s"), ("floor_compact", "size_mb")]
    req += [("izde_nightly", "wall_s"), ("izde_nightly", "peak_rss_mb")]
    for e, _, two in QUERY_ENGINES:
        for c in (["c1", "c2"] if two else ["c1"]):
            req += [(e, f"{f}_{c}") for f in LAT + ["mean_ms", "requests", "errors", "zero_hit"]]
    req += [("izde_suggest", f"{f}_c1") for f in LAT + ["errors"]]
    req += [("izde_searchd", "ready_ms"), ("izde_searchd", "rss_mb"),
            ("izde_searchd", "rss_start_mb"), ("sphinx", "rss_mb")]
    return req


def read_kv(path, sep="\t"):
    d = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if sep in line:
                k, v = line.split(sep, 1)
                d[k.strip()] = v.strip()
    return d


def read_runs(out):
    runs = []
    rdir = os.path.join(out, "runs")
    names = sorted(os.listdir(rdir), key=lambda s: int(s) if s.isdigit() else 0) if os.path.isdir(rdir) else []
    for name in names:
        m = {}
        path = os.path.join(rdir, name, "metrics.tsv")
        if not os.path.exists(path):
            continue
        for line in open(path, encoding="utf-8"):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                continue
            try:
                v = float(parts[2])
            except ValueError:
                v = None
            if v is not None and not math.isfinite(v):
                v = None
            m[(parts[0], parts[1])] = v
        runs.append(m)
    return runs


def derive(runs, entries, json_bytes):
    for m in runs:
        for e, _ in INDEXERS + [("izde_nightly", "")]:
            w = m.get((e, "wall_s"))
            n = 1000 if e == "izde_nightly" else entries
            b = None if e == "izde_nightly" else json_bytes
            if w:
                m[(e, "entries_per_s")] = n / w
                if b:
                    m[(e, "mb_per_s")] = b / 1e6 / w


def summary(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return statistics.median(vals), min(vals), max(vals)


def fmt(x):
    if x is None:
        return "—"
    if x == 0:
        return "0"
    if x == int(x) and abs(x) < 1e6 and abs(x) >= 1:
        return f"{int(x):,}"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def cell(s):
    if s is None:
        return "—"
    med, lo, hi = s
    if lo == hi:
        return fmt(med)
    return f"{fmt(med)} ({fmt(lo)}–{fmt(hi)})"


def fig(runs, e, f):
    return summary([m.get((e, f)) for m in runs])


def ratio(runs, a, fa, b, fb):
    vals = []
    for m in runs:
        x, y = m.get((a, fa)), m.get((b, fb))
        vals.append(x / y if x is not None and y else None)
    return summary(vals)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--results")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    results = args.results or os.path.join(out, "RESULTS.md")
    machine = read_kv(os.path.join(out, "machine.tsv"))
    info = read_kv(os.path.join(out, "corpus", "corpus.info"), " ")
    gen = {}
    gpath = os.path.join(out, "gen.tsv")
    if os.path.exists(gpath):
        for line in open(gpath, encoding="utf-8"):
            p = line.rstrip("\n").split("\t")
            if len(p) == 3:
                gen[p[1]] = p[2]
    entries = int(info.get("entries", "0") or 0)
    json_bytes = int(info.get("json_bytes", "0") or 0)
    runs = read_runs(out)
    derive(runs, entries, json_bytes)

    problems = []
    if not runs:
        problems.append("no run produced figures")
    for i, m in enumerate(runs, 1):
        for key in required():
            if m.get(key) is None:
                problems.append(f"run {i}: {key[0]} {key[1]} missing or not a number")
        for (e, f), v in m.items():
            if f.startswith("errors_") and v:
                problems.append(f"run {i}: {e} had {v:.0f} failed queries ({f})")
        for e, _, two in QUERY_ENGINES:
            for c in (["c1", "c2"] if two else ["c1"]):
                if not m.get((e, f"requests_{c}")):
                    problems.append(f"run {i}: {e} ran no query with {c}")

    L = []
    w = L.append
    small = machine.get("small") == "1"
    w("# izde benchmark results\n")
    w("Generated by `bench/run` (see bench/README.md); every number below was measured by it. "
      "Each figure is the **median of the runs, with the spread (min–max)** in brackets; "
      "izde/peer ratios are computed within each run, pair by pair, then summarised the same "
      "way.\n")
    if small:
        w("> **`--small` run**: a functional check of the benchmark (3,000 entries, one run, a "
          "reduced query set). Its timings mean nothing.\n")
    elif entries and entries < 200000:
        w(f"> **Corpus of {entries:,} entries, not the issue's 200,000.** "
          "Run `bench/run` without `--entries` for the full size.\n")
    if problems:
        w("> **Incomplete run**: " + "; ".join(problems[:20]) + "\n")

    w("## Machine and versions\n")
    w("| | |\n|---|---|")
    for k in ["cpu", "cores", "cpu_loop", "ram", "kernel", "xapian", "sphinx", "sqlite", "izde",
              "compiler", "date"]:
        w(f"| {k} | {machine.get(k, '?')} |")
    w("")
    w("## Corpus and queries\n")
    w(f"- {entries:,} entries ({json_bytes / 1e6:,.1f} MB of JSONL, "
      f"{int(info.get('text_bytes', '0') or 0) / 1e6:,.1f} MB of title and body text), about "
      "50% English, 30% Russian, 20% Kazakh, generated by `bench/gen.c` from wamerican and the "
      "hunspell ru_RU / kk_KZ dictionaries (stems inflected with their own SFX rules), "
      f"seed {info.get('seed', '?')}, in {fmt(float(gen.get('wall_s', 'nan')))} s.")
    w(f"- {machine.get('queries', '?')} queries (frequent term, rare term, two-term AND, OR, "
      "phrase, prefix; each in the three languages), the same for every engine: "
      "`corpus/queries.tsv`. Each client runs the whole set "
      f"{machine.get('passes', '?')} time(s) after one uncounted warm-up pass; "
      f"{machine.get('runs', '?')} run(s).")
    w("- MB/s is the corpus's JSONL size over the wall time for every engine (the same text; "
      "Sphinx, SQLite and the floor read it as TSV).\n")

    # ---- targets
    T = []

    def target(name, val, ok, note=""):
        T.append((name, val, ok, note))

    def chk(s, good):
        return "—" if s is None else ("met" if good(s[0]) else "**not met**")

    for c in ("c1", "c2"):
        r = ratio(runs, "izde_searchd", f"qps_{c}", "sphinx", f"qps_{c}")
        target(f"searchd throughput ≥ Sphinx's, {c[1]} client(s)", cell(r) + " × Sphinx",
               chk(r, lambda x: x >= 1.0))
    for c in ("c1", "c2"):
        r = ratio(runs, "izde_searchd", f"p99_ms_{c}", "sphinx", f"p99_ms_{c}")
        target(f"searchd p99 no worse than Sphinx, {c[1]} client(s)", cell(r) + " × Sphinx's p99",
               chk(r, lambda x: x <= 1.0))
    for c in ("c1", "c2"):
        r = ratio(runs, "izde_searchd", f"p50_ms_{c}", "floor", f"p50_ms_{c}")
        target(f"searchd p50 within 1.3× the floor, {c[1]} client(s)", cell(r) + " × floor",
               chk(r, lambda x: x <= 1.3))
    r = ratio(runs, "izde_index", "entries_per_s", "floor_index", "entries_per_s")
    target("indexing ≥ 1.8× the single-threaded Xapian floor", cell(r) + " × floor",
           chk(r, lambda x: x >= 1.8))
    s = fig(runs, "izde_index", "peak_rss_mb")
    target("indexer peak memory < 512 MB", cell(s) + " MB", chk(s, lambda x: x < 512))
    r = ratio(runs, "izde_index", "size_mb", "floor_compact", "size_mb")
    target("index no larger than the compacted floor", cell(r) + " × compacted floor",
           chk(r, lambda x: x <= 1.0))
    s = fig(runs, "izde_nightly", "wall_s")
    target("nightly: 1,000 new/changed entries into the index < 5 s", cell(s) + " s",
           chk(s, lambda x: x < 5), "" if entries >= 200000 else f"into the {entries:,}-entry index")
    s = fig(runs, "izde_index", "wall_s")
    target("nightly: full rebuild < 5 min", cell(s) + " s", chk(s, lambda x: x < 300),
           "" if entries >= 200000 else f"{entries:,} entries, not 200,000")
    s = fig(runs, "izde_suggest", "p99_ms_c1")
    target("/suggest p99 < 5 ms", cell(s) + " ms", chk(s, lambda x: x < 5))
    s = fig(runs, "izde_searchd", "ready_ms")
    target("searchd ready within 100 ms", cell(s) + " ms", chk(s, lambda x: x < 100))

    w("## The issue's targets\n")
    w("Quoted from issue 5: *searchd throughput >= Sphinx's with 1 and 2 clients, p99 no worse "
      "than Sphinx, p50 within 1.3x of the floor; indexing >= 1.8x the single-threaded Xapian "
      "floor, peak memory < 512 MB, index no larger than the compacted floor; nightly case: a "
      "batch of 1,000 new/changed entries into the 200k index in < 5 s and a full rebuild in "
      "< 5 min; /suggest p99 < 5 ms; searchd ready within 100 ms.*\n")
    w("Where the time goes and what to change: bench/README.md, \"Profile\".\n")
    w("| target | measured | | note |\n|---|---|---|---|")
    for name, val, ok, note in T:
        w(f"| {name} | {val} | {ok if not small else '(small run)'} | {note} |")
    w("")

    # ---- indexing
    w("## Indexing\n")
    w("| engine | wall s | entries/s | MB/s | peak RSS MB | CPU s | index MB |")
    w("|---|---|---|---|---|---|---|")
    for e, label in INDEXERS:
        w(f"| {label} | " + " | ".join(cell(fig(runs, e, f)) for f in
          ["wall_s", "entries_per_s", "mb_per_s", "peak_rss_mb", "cpu_s", "size_mb"]) + " |")
    w(f"| floor after xapian-compact | {cell(fig(runs, 'floor_compact', 'wall_s'))} (compaction) "
      f"| | | | | {cell(fig(runs, 'floor_compact', 'size_mb'))} |")
    w(f"| izde nightly batch: 1,000 entries (500 changed, 500 new) into the built index | "
      f"{cell(fig(runs, 'izde_nightly', 'wall_s'))} | "
      f"{cell(fig(runs, 'izde_nightly', 'entries_per_s'))} | | "
      f"{cell(fig(runs, 'izde_nightly', 'peak_rss_mb'))} | "
      f"{cell(fig(runs, 'izde_nightly', 'cpu_s'))} | {cell(fig(runs, 'izde_nightly', 'size_mb'))} |")
    w("")
    w("| izde / peer | entries/s | peak RSS | index size |\n|---|---|---|---|")
    for peer, label in [("floor_index", "floor (as built)"), ("floor_compact", "floor compacted"),
                        ("sphinx_index", "Sphinx"), ("fts5_index", "SQLite FTS5")]:
        speed = ratio(runs, "izde_index", "entries_per_s", peer, "entries_per_s") \
            if peer != "floor_compact" else None
        rss = ratio(runs, "izde_index", "peak_rss_mb", peer, "peak_rss_mb") \
            if peer != "floor_compact" else None
        size = ratio(runs, "izde_index", "size_mb", peer, "size_mb")
        w(f"| {label} | {cell(speed)} | {cell(rss)} | {cell(size)} |")
    w("")

    # ---- queries
    for c, title in [("c1", "one client"), ("c2", "two concurrent clients")]:
        w(f"## Queries: {title}\n")
        w("Top 10 per query; latencies in ms over every query of every pass; queries/s = all "
          "requests over the wall time of the clients.\n")
        w("| engine | p50 ms | p95 ms | p99 ms | queries/s | zero-hit queries |")
        w("|---|---|---|---|---|---|")
        for e, label, two in QUERY_ENGINES:
            if c == "c2" and not two:
                continue
            w(f"| {label} | " + " | ".join(cell(fig(runs, e, f"{f}_{c}")) for f in LAT)
              + f" | {cell(fig(runs, e, f'zero_hit_{c}'))} of {cell(fig(runs, e, f'requests_{c}'))} |")
        w("")
        w("| izde-searchd / peer | p50 | p95 | p99 | queries/s |\n|---|---|---|---|---|")
        for peer, label in [("sphinx", "Sphinx"), ("fts5", "SQLite FTS5"), ("floor", "floor")]:
            w(f"| {label} | " + " | ".join(cell(ratio(runs, "izde_searchd", f"{f}_{c}", peer,
                                                      f"{f}_{c}")) for f in LAT) + " |")
        if c == "c1":
            w("| izde in-process / floor | " + " | ".join(
                cell(ratio(runs, "izde_inproc", f"{f}_c1", "floor", f"{f}_c1")) for f in LAT) + " |")
        w("")

    w("## izde-searchd: /suggest, start-up and memory\n")
    w("| figure | value |\n|---|---|")
    for f, label in [("p50_ms_c1", "/suggest p50 ms"), ("p95_ms_c1", "/suggest p95 ms"),
                     ("p99_ms_c1", "/suggest p99 ms"), ("qps_c1", "/suggest requests/s (1 client)")]:
        w(f"| {label} | {cell(fig(runs, 'izde_suggest', f))} |")
    w(f"| start to first 200 from /health, ms | {cell(fig(runs, 'izde_searchd', 'ready_ms'))} |")
    w(f"| resident memory when ready, MB | {cell(fig(runs, 'izde_searchd', 'rss_start_mb'))} |")
    w(f"| resident memory after the load, MB | {cell(fig(runs, 'izde_searchd', 'rss_mb'))} |")
    w(f"| Sphinx searchd resident memory after the load, MB | {cell(fig(runs, 'sphinx', 'rss_mb'))} |")
    w("")

    w("## What each engine does per query\n")
    w("- **izde-searchd / in-process**: izde's query language; every word matches its exact form, "
      "its stems (English, Russian, Kazakh) and its folded Kazakh form; BM25 with title weight; "
      "date tie-break; duplicate collapsing; title and body snippets; results JSON.")
    w("- **Sphinx**: extended query syntax, `morphology = stem_enru` (no Kazakh stemmer), "
      "`dict = keywords`, `min_prefix_len = 3`, `expansion_limit = 200`; default ranker "
      "(proximity + BM25); `SNIPPET(body, query, 'limit=200')` in the select list; body and title "
      "stored as string attributes.")
    w("- **SQLite FTS5**: `porter unicode61 remove_diacritics 2` (porter stems English only), "
      "`ORDER BY bm25(docs, 3.0, 1.0)`, title and `snippet()` of the body; no prefix index "
      "(prefixes expand at query time, as in izde).")
    w("- **floor**: the same normalised words as plain Xapian terms (AND / OR / PHRASE, or a "
      "wildcard of at most 200 terms) over izde's own index, top 10 document ids only: no stems, "
      "no snippets, no JSON, no document data.\n")

    cmds = []
    path = os.path.join(out, "commands.txt")
    if os.path.exists(path):
        seen = set()
        for line in open(path, encoding="utf-8"):
            line = re.sub(r"/runs/\d+/", "/runs/N/", line.strip())
            line = line.replace(out, "OUT")
            line = re.sub(r"--port \d+", "--port PORT", line)
            if line and line not in seen:
                seen.add(line)
                cmds.append(line)
    w("## Commands\n")
    w("The whole benchmark: `bench/run` "
      + ("--small" if small else f"--entries {entries} --runs {machine.get('runs', '?')}")
      + ". Each run executed (OUT = the output folder, N = the run):\n")
    w("```")
    for c in cmds:
        w(c)
    w("```\n")
    with open(results, "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")
    if problems:
        for p in problems:
            print("report: " + p, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
