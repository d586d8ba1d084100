"""What the programs say about themselves agrees with what they do: the example config file
deploy/izde.conf, with every setting uncommented, is read by all four programs."""
import argparse
import os
import re
import signal
import subprocess
import time

from izde_e2e import TempDir, check, main, run

ap = argparse.ArgumentParser()
ap.add_argument("--indexer", required=True)
ap.add_argument("--query", required=True)
ap.add_argument("--searchd", required=True)
ap.add_argument("--reindex", required=True)
ap.add_argument("--source", required=True, help="the source tree")
ARGS = ap.parse_args()
PROGRAMS = {"izde-indexer": ARGS.indexer, "izde-query": ARGS.query,
            "izde-searchd": ARGS.searchd, "izde-reindex": ARGS.reindex}
DATA = os.path.join(ARGS.source, "data")
EXAMPLE = os.path.join(ARGS.source, "deploy", "izde.conf")
SETTING = re.compile(r"^#?([a-z][a-z-]*) = (.*)$")


def help_text(prog):
    code, out, err = run([PROGRAMS[prog], "--help"])
    check(code == 0 and out.startswith("Usage: " + prog), "%s --help: %d %s" % (prog, code, err))
    return out


def example_settings():
    """(key, value) of every setting line of the example, commented out or not."""
    with open(EXAMPLE, encoding="utf-8") as f:
        return [m.groups() for m in map(SETTING.match, f.read().splitlines()) if m]


def test_example_config_keys_are_options():
    settings = example_settings()
    keys = [k for k, _ in settings]
    check(len(keys) == len(set(keys)), "a key twice in the example: %s" % keys)
    helps = {p: help_text(p) for p in PROGRAMS}
    for key in keys:
        users = [p for p, h in helps.items() if re.search(r"--%s\b" % re.escape(key), h)]
        check(users, "example key %s is no program's option" % key)


def test_example_config_is_read_by_every_program():
    with TempDir() as tmp:
        db = os.path.join(tmp, "index")
        values = {"db": db, "synonyms": os.path.join(DATA, "synonyms.conf"),
                  "listen": "127.0.0.1:0"}
        conf = os.path.join(tmp, "izde.conf")
        with open(EXAMPLE, encoding="utf-8") as src, open(conf, "w", encoding="utf-8") as dst:
            for line in src:
                m = SETTING.match(line.rstrip("\n"))
                if m:
                    line = "%s = %s\n" % (m.group(1), values.get(m.group(1), m.group(2)))
                dst.write(line)
        env = {"IZDE_CONFIG": conf}
        code, out, err = run([ARGS.indexer, "--quiet", DATA], env=env)
        check(code == 0 and os.path.exists(os.path.join(db, "XAPIANDB")), "indexer: " + err)
        code, out, err = run([ARGS.query, "--count", "Astana"], env=env)
        check(code == 0 and int(out) > 0, "query: %d %s" % (code, err))
        code, out, err = run([ARGS.reindex, "--source", DATA], env=env)
        check(code == 0 and "db=%s " % db in err, "reindex: %d %s" % (code, err))
        full_env = dict(os.environ, **env)
        p = subprocess.Popen([ARGS.searchd], env=full_env, stderr=subprocess.PIPE, text=True)
        try:
            line, deadline = "", time.time() + 20
            while "listening on" not in line and time.time() < deadline and p.poll() is None:
                line = p.stderr.readline()
            check("listening on http://127.0.0.1:" in line, "searchd: %r" % line)
        finally:
            p.send_signal(signal.SIGTERM)
            p.communicate(timeout=20)
        check(p.returncode == 0, "searchd exit %s" % p.returncode)


if __name__ == "__main__":
    main([test_example_config_keys_are_options, test_example_config_is_read_by_every_program])
