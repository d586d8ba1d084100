"""End-to-end tests of izde-reindex, the nightly rebuild job: the summary line and exit codes,
the check that refuses empty or truncated exports, the job lock, kill -9 at several points of a
rebuild, and rollback. The live index is always read back with izde-query."""
import argparse
import atexit
import json
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import time

from izde_e2e import TempDir, check, main, read_data, run

ap = argparse.ArgumentParser()
ap.add_argument("--reindex", required=True)
ap.add_argument("--indexer", required=True)
ap.add_argument("--query", required=True)
ap.add_argument("--data", required=True)
ARGS = ap.parse_args()
DATA = read_data(ARGS.data)

SUMMARY = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) izde-reindex (?P<action>rebuild|rollback)"
    r" outcome=(?P<outcome>\w+) exit=(?P<exit>\d+) live=(?P<live>\d+|-) built=(?P<built>\d+|-)"
    r" replaced=(?P<replaced>\d+|-) entries=(?P<entries>\d+|-) before=(?P<before>\d+|-)"
    r" rejected=(?P<rejected>\d+|-) duration=(?P<duration>\d+\.\d\d)s db=(?P<db>\S+)"
    r"(?: source=(?P<source>\S+))?(?: reason=\"(?P<reason>(?:[^\"\\]|\\.)*)\")?$")

# A bigger export, so that a rebuild lasts long enough to be killed or overlapped: built once.
BIG = tempfile.mkdtemp(prefix="izde-e2e-big-")
atexit.register(shutil.rmtree, BIG, True)
BIG_ENTRIES = 4000
BIG_MARKER = "quokkabulk"  # a word only the big export has


def make_big_source():
    rnd = random.Random(7)
    words = ("astana almaty river mountain olympic swimmer athlete medal champion record market "
             "economy grain winter summer festival museum theatre school university parliament "
             "election minister budget railway airport steppe horse eagle lake bridge").split()
    words += "город река спорт чемпион медаль выборы экономика театр музей школа".split()
    with open(os.path.join(BIG, "bulk.jsonl"), "w", encoding="utf-8") as f:
        for i in range(BIG_ENTRIES):
            body = " ".join(rnd.choice(words) for _ in range(250))
            f.write(json.dumps({"id": "bulk-%05d" % i, "date": "2021-%02d-%02d" % (1 + i % 12, 1 + i % 28),
                                "title": "Bulk report %d %s %s" % (i, rnd.choice(words), BIG_MARKER),
                                "body": body, "tags": ["bulk"]}, ensure_ascii=False) + "\n")


make_big_source()


def reindex(*args):
    return run([ARGS.reindex, *args])


def count(db, q):
    code, out, err = run([ARGS.query, "--db", db, "--count", q])
    check(code in (0, 1), "izde-query --count %s: exit %d: %s" % (q, code, err))
    return int(out.strip())


def live_gen(db):
    with open(os.path.join(db, "XAPIANDB")) as f:
        return f.read().strip()


def gen_folders(db):
    return sorted(n for n in os.listdir(db) if n.startswith("gen-"))


def log_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


def summary_of(line):
    m = SUMMARY.match(line)
    check(m is not None, "summary line format: %r" % line)
    return m.groupdict()


def copy_data(dst, skip=()):
    os.makedirs(dst, exist_ok=True)
    for name in os.listdir(ARGS.data):
        if name.endswith((".jsonl", ".txt")) and name not in skip:
            shutil.copy(os.path.join(ARGS.data, name), dst)
    return dst


def write_jsonl(path, entries):
    with open(path, "w", encoding="utf-8") as f:
        for e in entries:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")


def wait_for_gen_folder(db, name, proc, limit=30.0):
    """Waits until the run has taken the lock and started writing generation `name`."""
    end = time.monotonic() + limit
    while time.monotonic() < end and proc.poll() is None:
        if os.path.exists(os.path.join(db, name)) or os.path.exists(os.path.join(db, name + ".tmp")):
            return True
        time.sleep(0.01)
    return False


def test_help_and_usage_errors():
    code, out, err = reindex("--help")
    check(code == 0 and "Usage: izde-reindex" in out, "help: %d" % code)
    for text in ("Exit status", "75", "--min-fraction", "--rollback", "--smoke-query"):
        check(text in out, "help mentions %s" % text)
    code, out, err = reindex("--db", "/tmp/x")
    check(code == 2 and "--source" in err, "no source: %d %s" % (code, err))
    code, out, err = reindex("--source", ARGS.data, "--db", "/tmp/x", "--min-fraction", "1.5")
    check(code == 2 and "min-fraction" in err, "bad fraction: %d %s" % (code, err))
    with TempDir() as tmp:
        db = os.path.join(tmp, "db")
        code, out, err = reindex("--source", os.path.join(tmp, "missing"), "--db", db)
        check(code == 2 and "missing" in err, "missing source: %d %s" % (code, err))
        check(not os.path.exists(os.path.join(db, "XAPIANDB")), "no index from a missing source")
        code, out, err = reindex("--db", db, "--rollback")
        check(code == 2 and "no index folder %s" % db in err, "rollback of nothing: " + err)
    for extra in (["--jobs", "2"], ["--min-fraction", "0.5"], ["--source", ARGS.data]):
        code, out, err = reindex("--db", "/tmp/x", "--rollback", *extra)
        check(code == 2 and "--rollback takes only" in err, "%s: %d %s" % (extra, code, err))


def small_source(tmp):
    """A two-entry export: quick to rebuild, even under ASan on a busy machine."""
    src = os.path.join(tmp, "export")
    os.makedirs(src)
    write_jsonl(os.path.join(src, "small.jsonl"), [
        {"id": "small-1", "date": "2019-06-23", "lang": "en", "title": "Nur-Sultan Olympic Day run",
         "body": "Runners crossed Nur-Sultan on Olympic Day."},
        {"id": "small-2", "date": "2020-01-10", "lang": "en", "title": "Winter camp",
         "body": "Skiers trained in the mountains."}])
    return src


def test_config_file_gives_db_and_jobs():
    with TempDir() as tmp:
        src = small_source(tmp)
        db, conf = os.path.join(tmp, "db"), os.path.join(tmp, "izde.conf")
        with open(conf, "w") as f:
            f.write("db = %s\njobs = 1\ntimeout = 5\n" % db)
        code, out, err = reindex("--config", conf, "--source", src)
        check(code == 0 and "db=%s " % db in err, "db from the file: %d %s" % (code, err))
        with open(conf, "w") as f:
            f.write("jobs = many\n")
        code, out, err = reindex("--config", conf, "--source", src, "--db", db)
        check(code == 2 and "izde.conf:1: jobs: must be a number from 1 to 64" in err,
              "bad jobs: %d %s" % (code, err))
        with open(conf, "w") as f:
            f.write("# no db\n")
        code, out, err = reindex("--config", conf, "--source", src)
        check(code == 2 and "no index folder" in err, "no db anywhere: %d %s" % (code, err))


def test_synonyms_shipped_none_or_own():
    with TempDir() as tmp:
        src = small_source(tmp)
        db = os.path.join(tmp, "db")
        code, out, err = reindex("--source", src, "--db", db, "--no-synonyms", "--jobs", "1")
        check(code == 0 and count(db, "Astana") == 0, "--no-synonyms: %d %s" % (code, err))
        code, out, err = reindex("--source", src, "--db", db, "--jobs", "1")
        check(code == 0 and count(db, "Astana") == 1, "shipped groups: Astana finds Nur-Sultan")
        code, out, err = reindex("--db", db, "--rollback", "--no-synonyms")
        check(code == 2 and "--rollback takes only" in err, "rollback: %d %s" % (code, err))
        conf = os.path.join(tmp, "izde.conf")
        with open(conf, "w") as f:
            f.write("synonyms = none\n")
        code, out, err = reindex("--config", conf, "--source", src, "--db", db, "--jobs", "1")
        check(code == 0 and count(db, "Astana") == 0, "synonyms = none: %d %s" % (code, err))


def test_happy_path_summary_line_and_exit_0():
    with TempDir() as tmp:
        db, log = os.path.join(tmp, "db"), os.path.join(tmp, "reindex.log")
        code, out, err = reindex("--source", ARGS.data, "--db", db, "--log", log)
        check(code == 0, "first build: exit %d: %s" % (code, err))
        lines = log_lines(log)
        check(len(lines) == 1, "one log line per run: %r" % lines)
        s = summary_of(lines[0])
        check(s["action"] == "rebuild" and s["outcome"] == "ok" and s["exit"] == "0", lines[0])
        check(s["live"] == "1" and s["built"] == "1" and s["replaced"] == "-", lines[0])
        check(int(s["entries"]) == len(DATA) and s["before"] == "-" and s["rejected"] == "0",
              "entries %s, data has %d" % (s["entries"], len(DATA)))
        check(s["db"] == db and s["source"] == ARGS.data and s["reason"] is None, lines[0])
        check(lines[0] in err, "the summary is on stderr too")
        swimmer = count(db, "swimmer")
        check(swimmer >= 2, "searchable: %d" % swimmer)
        # the next night: a new generation, the previous one kept for rollback
        code, out, err = reindex("--source", ARGS.data, "--db", db, "--log", log,
                                 "--smoke-query", "swimmer", "--smoke-query", "Астана")
        check(code == 0, "second build: exit %d: %s" % (code, err))
        s = summary_of(log_lines(log)[1])
        check(s["live"] == "2" and s["replaced"] == "1" and s["before"] == str(len(DATA)),
              "second line: %r" % s)
        check(gen_folders(db) == ["gen-000001", "gen-000002"], "folders: %s" % gen_folders(db))
        check(count(db, "swimmer") == swimmer, "same results")
        # a third: generation 1 goes, 2 is kept
        code, out, err = reindex("--source", ARGS.data, "--db", db)
        check(code == 0 and gen_folders(db) == ["gen-000002", "gen-000003"],
              "third build: %d %s" % (code, gen_folders(db)))


def test_rejected_entries_give_exit_1():
    with TempDir() as tmp:
        src, db, log = copy_data(os.path.join(tmp, "src")), os.path.join(tmp, "db"), \
            os.path.join(tmp, "log")
        os.makedirs(os.path.join(src, "more"))
        with open(os.path.join(src, "more", "extra.jsonl"), "wb") as f:
            f.write(b'{"id":"extra-ok","body":"a good nestedxyzzy entry"}\n')
            f.write(b'{"id":"extra-bad","body":"x","date":"2021-02-30"}\n')
            f.write(b'{"id":"extra-bad2"}\n')
        with open(os.path.join(src, ".hidden.jsonl"), "w") as f:
            f.write('{"id":"hidden","body":"never indexed hiddenxyzzy"}\n')
        code, out, err = reindex("--source", src, "--db", db, "--log", log)
        check(code == 1, "exit with rejections: %d: %s" % (code, err))
        check("extra.jsonl:2:" in err and "extra.jsonl:3:" in err, "rejections reported: " + err)
        s = summary_of(log_lines(log)[0])
        check(s["outcome"] == "ok" and s["exit"] == "1" and s["rejected"] == "2", repr(s))
        check(int(s["entries"]) == len(DATA) + 1, "nested folder walked: %s" % s["entries"])
        check(count(db, "nestedxyzzy") == 1 and count(db, "hiddenxyzzy") == 0, "nested yes, hidden no")


def test_default_smoke_check_reads_the_stored_entry():
    with TempDir() as tmp:
        src, db = os.path.join(tmp, "src"), os.path.join(tmp, "db")
        os.makedirs(src)
        # the first entry is replaced by a later line with other words: still passes
        write_jsonl(os.path.join(src, "a.jsonl"), [
            {"id": "first", "title": "Extraordinarilylongword here", "body": "Body one."},
            {"id": "second", "title": "Second", "body": "Body two."},
            {"id": "first", "title": "Replaced title", "body": "Body three."}])
        code, out, err = reindex("--source", src, "--db", db)
        check(code == 0, "duplicate first id: exit %d: %s" % (code, err))
        check(count(db, "extraordinarilylongword") == 0 and count(db, "replaced") == 1,
              "the later line won")


def test_empty_or_truncated_export_is_refused():
    with TempDir() as tmp:
        db, log = os.path.join(tmp, "db"), os.path.join(tmp, "log")
        code, out, err = run([ARGS.indexer, "--db", db, ARGS.data])  # built by hand, then the job
        check(code == 0, "izde-indexer: %s" % err)
        before_gen, before_count = live_gen(db), count(db, "NOC")
        before_folders = gen_folders(db)
        empty = os.path.join(tmp, "empty")
        os.makedirs(empty)
        truncated = copy_data(os.path.join(tmp, "truncated"), skip=("entries-kk.jsonl",))
        cases = [(empty, [], "no entries"),
                 (truncated, [], "fewer than 0.9"),
                 (ARGS.data, ["--smoke-query", "zzqqxxnothing"], "matches nothing")]
        for src, extra, why in cases:
            code, out, err = reindex("--source", src, "--db", db, "--log", log, *extra)
            check(code == 3, "%s: exit %d: %s" % (src, code, err))
            s = summary_of(log_lines(log)[-1])
            check(s["outcome"] == "refused" and s["exit"] == "3" and why in (s["reason"] or ""),
                  "refusal line: %r" % s)
            check(s["live"] == before_gen.split("-")[-1].lstrip("0") and s["replaced"] == "-",
                  "live stays: %r" % s)
            check(live_gen(db) == before_gen, "same live generation after %s" % why)
            check(count(db, "NOC") == before_count, "same results after %s" % why)
            check(gen_folders(db) == before_folders, "refused generation removed: %s"
                  % gen_folders(db))
        s = summary_of(log_lines(log)[1])
        check(int(s["entries"]) < 0.9 * int(s["before"]), "truncated counts: %r" % s)
        # the operator can accept a smaller export on purpose
        code, out, err = reindex("--source", truncated, "--db", db, "--min-fraction", "0.5")
        check(code == 0 and live_gen(db) != before_gen, "accepted with 0.5: %d %s" % (code, err))


def test_second_concurrent_run_is_locked_out():
    with TempDir() as tmp:
        db, log = os.path.join(tmp, "db"), os.path.join(tmp, "log")
        first = subprocess.Popen([ARGS.reindex, "--source", BIG, "--db", db, "--log", log],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            check(wait_for_gen_folder(db, "gen-000001", first), "first run started building")
            code, out, err = reindex("--source", ARGS.data, "--db", db, "--log", log)
            check(code == 75, "second run: exit %d: %s" % (code, err))
            check("holds the lock" in err and "not starting" in err, "clear message: " + err)
            code, out, err = reindex("--db", db, "--rollback")
            check(code == 75, "rollback during a run: exit %d" % code)
            # izde-indexer takes the same lock: an incremental run would be lost at the switch
            code, out, err = run([ARGS.indexer, "--db", db, "--quiet", ARGS.data])
            check(code == 75 and "holds the lock" in err, "indexer during a run: %d %s"
                  % (code, err))
            check(first.poll() is None, "the first run was still going (make BIG bigger)")
        finally:
            _, first_err = first.communicate(timeout=120)
        check(first.returncode == 0, "first run: exit %d: %s" % (first.returncode, first_err))
        lines = [summary_of(line) for line in log_lines(log)]
        check([s["outcome"] for s in lines] == ["locked", "ok"], "log: %r" % lines)
        check(lines[0]["exit"] == "75" and "lock" in lines[0]["reason"], repr(lines[0]))
        check(count(db, BIG_MARKER) == BIG_ENTRIES, "the first run's index is live")


def cpu_seconds(pid):
    """CPU time (user + system) a running process has used so far, 0 once it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_kill_9_leaves_the_live_index_serving():
    with TempDir() as tmp:
        db, scratch = os.path.join(tmp, "db"), os.path.join(tmp, "scratch")
        code, out, err = run([ARGS.indexer, "--db", db, ARGS.data])
        check(code == 0, "izde-indexer: %s" % err)
        gen, noc = live_gen(db), count(db, "NOC")
        # how much CPU a whole rebuild of BIG takes here (sanitizers make it slower); the kills
        # below wait for a share of that CPU time, which other load on the machine cannot skew
        p = subprocess.Popen([ARGS.reindex, "--source", BIG, "--db", scratch],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        full = usage.ru_utime + usage.ru_stime
        check(p.returncode == 0, "calibration run: exit %d" % p.returncode)
        # early (reading the export), midway, and once the merged generation folder appears
        # (a parallel build merging its shards, or checking the result before the switch)
        for when in (0.15, 0.5, "gen-000002"):
            p = subprocess.Popen([ARGS.reindex, "--source", BIG, "--db", db],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            t0 = time.monotonic()
            if isinstance(when, float):
                while cpu_seconds(p.pid) < when * full and p.poll() is None:
                    time.sleep(0.002)
            else:
                while not os.path.isdir(os.path.join(db, when)) and p.poll() is None:
                    time.sleep(0.002)
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=30)
            check(p.returncode == -signal.SIGKILL, "killed at %s: exit %d" % (when, p.returncode))
            print("      kill -9 after %.2f s (a whole run: %.2f CPU s): left %s"
                  % (time.monotonic() - t0, full, gen_folders(db)))
            check(live_gen(db) == gen, "live generation unchanged after the kill at %s" % when)
            check(count(db, "NOC") == noc, "same answers after the kill at %s" % when)
            check(count(db, BIG_MARKER) == 0, "nothing of the killed run is visible")
        # the next run cleans up after the killed ones and succeeds (a small export: quicker)
        code, out, err = reindex("--source", ARGS.data, "--db", db)
        check(code == 0, "run after the kills: exit %d: %s" % (code, err))
        check("left-over generation folder" in err, "cleanup reported: " + err)
        check(gen_folders(db) == ["gen-000001", "gen-000002"] and live_gen(db) == "auto gen-000002",
              "only live and previous are left: %s" % gen_folders(db))
        check(not [n for n in os.listdir(db) if ".tmp" in n], "no temporary files: %s"
              % os.listdir(db))
        check(count(db, "NOC") == noc, "the new generation answers")


def test_rollback_restores_the_previous_generation():
    with TempDir() as tmp:
        db, log = os.path.join(tmp, "db"), os.path.join(tmp, "log")
        old = copy_data(os.path.join(tmp, "old"))
        write_jsonl(os.path.join(old, "only.jsonl"),
                    [{"id": "only-old", "title": "Zebrafold archive story", "body": "Old text."}])
        new = copy_data(os.path.join(tmp, "new"))
        write_jsonl(os.path.join(new, "only.jsonl"),
                    [{"id": "only-new", "title": "Quokkafresh new story", "body": "New text."}])
        code, out, err = reindex("--db", db, "--rollback", "--log", log)
        check(code == 2, "rollback of nothing: exit %d: %s" % (code, err))
        for src in (old, new):
            code, out, err = reindex("--source", src, "--db", db, "--log", log)
            check(code == 0, "build from %s: %d %s" % (src, code, err))
        check(count(db, "quokkafresh") == 1 and count(db, "zebrafold") == 0, "new is live")
        code, out, err = reindex("--db", db, "--rollback", "--log", log)
        check(code == 0, "rollback: exit %d: %s" % (code, err))
        check(count(db, "zebrafold") == 1 and count(db, "quokkafresh") == 0, "old is live again")
        s = summary_of(log_lines(log)[-1])
        check(s["action"] == "rollback" and s["outcome"] == "ok" and s["live"] == "1"
              and s["replaced"] == "2" and int(s["entries"]) == len(DATA) + 1, repr(s))
        # a second rollback undoes the first
        code, out, err = reindex("--db", db, "--rollback")
        check(code == 0 and count(db, "quokkafresh") == 1, "rollback of the rollback: %d" % code)
        check(summary_of(log_lines(log)[0])["outcome"] == "failed", "failed rollback logged")


if __name__ == "__main__":
    main([test_help_and_usage_errors, test_config_file_gives_db_and_jobs,
          test_synonyms_shipped_none_or_own,
          test_happy_path_summary_line_and_exit_0,
          test_rejected_entries_give_exit_1, test_default_smoke_check_reads_the_stored_entry,
          test_empty_or_truncated_export_is_refused,
          test_second_concurrent_run_is_locked_out, test_kill_9_leaves_the_live_index_serving,
          test_rollback_restores_the_previous_generation])
