"""bench/openvocab.py — what the open-vocabulary evaluations of bench/russian and bench/english
share: index a text's entries, draw base words at random by occurrence, run each through
izde-query as itself (izde) and as `word*` (the prefix baseline), and score the entries
returned against a judge's word -> base words table.

A language's run supplies its entries (izde JSONL dicts with "id" and "body"), `words_of`
(the words of a text as izde splits them, lower case) and `lemmas` (word -> set of base words,
for the words the judge knows). An entry is relevant to a base word when it holds one of its
forms. A retrieved entry that holds none counts against precision unless every word izde
highlighted in it is unknown to the judge (unjudged).
"""
import argparse
import collections
import json
import os
import random
import subprocess
import sys
import tempfile


class SetupError(Exception):
    pass


def find_binary(build, sub, name):
    path = os.path.join(build, sub, name)
    if not os.access(path, os.X_OK):
        raise SetupError("no %s (build with: cmake --build %s -j2)" % (path, build))
    return path


def draw(entry_words, lemmas, n, seed, accept=lambda base: True):
    """n distinct base words, each from a random word occurrence with exactly one base word
    that accept() takes."""
    occurrences = [w for ws in entry_words.values() for w in ws]
    rng, drawn, tries = random.Random(seed), [], 0
    while len(drawn) < n and tries < 100 * n:
        tries += 1
        bases = lemmas.get(rng.choice(occurrences), ())
        if len(bases) == 1:
            base = next(iter(bases))
            if len(base) >= 3 and base not in drawn and accept(base):
                drawn.append(base)
    return drawn


def izde_query(binary, db, word, mode, words_of):
    """{entry id: set of words highlighted in its snippet} for word searched as izde does
    (mode "izde") or as `word*` over exact forms (mode "prefix")."""
    args = ["--", word] if mode == "izde" else ["--exact-only", "--", word + "*"]
    p = subprocess.run([binary, "--db", db, "--all", "--no-collapse", "--format", "jsonl"] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if p.returncode not in (0, 1):
        raise SetupError("izde-query exited %d for %r" % (p.returncode, word))
    got = {}
    for line in p.stdout.decode("utf-8").splitlines():
        r = json.loads(line)
        text = r.get("snippet_text") or ""
        got[r["id"]] = {w for h in r.get("highlights") or []
                        for w in words_of(text[h["start"]:h["start"] + h["length"]])}
    return got


def search_all(build, entries, words_of, lemmas, n, seed, accept=lambda base: True):
    """Indexes entries and runs the drawn words: (entry id -> words, drawn words, [(word,
    {mode: izde_query result})])."""
    indexer = find_binary(build, "indexer", "izde-indexer")
    query = find_binary(build, "query", "izde-query")
    with tempfile.TemporaryDirectory(prefix="izde-openvocab-") as tmp:
        path, db = os.path.join(tmp, "entries.jsonl"), os.path.join(tmp, "idx")
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)
        p = subprocess.run([indexer, "--no-spelling", "--no-synonyms", "-q", "--db", db, path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise SetupError("izde-indexer exited %d: %s" % (p.returncode, p.stderr[-2000:]))
        entry_words = {e["id"]: words_of(e["body"]) for e in entries}
        words = draw(entry_words, lemmas, n, seed, accept)
        results = [(w, {m: izde_query(query, db, w, m, words_of) for m in ("izde", "prefix")})
                   for w in words]
    return entry_words, words, results


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def score(entry_words, lemmas, results):
    """({mode: (recall, precision, micro recall, micro precision)}, izde's miss lines)."""
    holds = collections.defaultdict(set)  # base word -> entries holding a form
    for eid, ws in entry_words.items():
        for w in ws:
            for base in lemmas.get(w, ()):
                holds[base].add(eid)
    figures, misses = {}, []
    for mode in ("izde", "prefix"):
        rec, prec, hit, rel_n, judged_n = [], [], 0, 0, 0
        for word, got in results:
            rel, ret = holds[word], got[mode]
            wrong = {e for e in set(ret) - rel
                     if not ret[e] or any(w in lemmas for w in ret[e])}
            h = len(rel & set(ret))
            hit, rel_n, judged_n = hit + h, rel_n + len(rel), judged_n + h + len(wrong)
            if rel:
                rec.append(h / len(rel))
            if h + len(wrong):
                prec.append(h / (h + len(wrong)))
            if mode == "izde" and (rel - set(ret) or wrong):
                missed = sorted({w for e in rel - set(ret) for w in entry_words[e]
                                 if word in lemmas.get(w, ())})
                false = sorted({w for e in wrong for w in ret[e]})
                misses.append("%s\tmissed: %s\tfalse: %s" % (word, " ".join(missed) or "-",
                                                              " ".join(false) or "-"))
        figures[mode] = (mean(rec), mean(prec), hit / max(1, rel_n), hit / max(1, judged_n))
    return figures, misses


def print_figures(figures):
    print("| search | recall | precision | micro recall | micro precision |")
    print("|---|---:|---:|---:|---:|")
    for mode, f in figures.items():
        print("| %s | %.3f | %.3f | %.3f | %.3f |" % ((mode,) + f))


def main(name, doc, load, cache_default):
    """A language's evaluation: parses the shared options, calls load(args) for (entries,
    words_of, lemmas, accept), then indexes, draws, searches and scores. Exit status: 0 done,
    1 --min-recall missed, 2 usage or setup error."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cache", default=cache_default)
    ap.add_argument("--misses", help="write each query's missed and wrongly matched words here")
    ap.add_argument("--min-recall", type=float, help="exit 1 when izde's macro recall is lower")
    args = ap.parse_args()
    try:
        ents, words_of, lemmas, accept = load(args)
        entry_words, words, results = search_all(args.build_dir, ents, words_of, lemmas,
                                                 args.queries, args.seed, accept)
    except (SetupError, RuntimeError, OSError, subprocess.SubprocessError) as e:
        print("%s run: %s" % (name, e), file=sys.stderr)
        return 2
    figures, misses = score(entry_words, lemmas, results)
    print("%s run: %d entries, %d words drawn (seed %d)" % (name, len(ents), len(words),
                                                           args.seed))
    print_figures(figures)
    if args.misses:
        with open(args.misses, "w", encoding="utf-8") as f:
            f.write("\n".join(misses) + "\n")
    if args.min_recall is not None and figures["izde"][0] < args.min_recall:
        print("%s run: izde's recall %.3f is below %.3f" % (name, figures["izde"][0],
                                                            args.min_recall), file=sys.stderr)
        return 1
    return 0
