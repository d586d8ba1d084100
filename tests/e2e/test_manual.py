"""What the programs say about themselves agrees with what they do: each program's options
are the same in its option parsing (the getopt_long table of its main.c), its --help and its
manual page in man/, with the same short forms and arguments; the exit statuses of --help and
of the manual page are the same; every manual page renders without a groff warning; and the
example config file deploy/izde.conf, with every setting uncommented, is read by all four
programs."""
import argparse
import os
import re
import shutil
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
MAN = os.path.join(ARGS.source, "man")
SOURCES = {"izde-indexer": "indexer/main.c", "izde-query": "query/main.c",
           "izde-searchd": "searchd/main.c", "izde-reindex": "reindex/main.c"}


def parsed_options(prog):
    """{long: (argument?, short)} from the program's getopt_long table and option string."""
    with open(os.path.join(ARGS.source, SOURCES[prog]), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r'getopt_long\(argc, argv, "([^"]*)"', text)
    check(m, "%s: no getopt_long call" % prog)
    letters = m.group(1)
    shorts = {c: letters[i + 1:i + 2] == ":" for i, c in enumerate(letters) if c != ":"}
    out = {}
    for name, kind, val in re.findall(
            r'\{"([a-z][a-z-]*)",\s*(no|required|optional)_argument,\s*NULL,\s*([^}]+?)\s*\}',
            text):
        check(kind != "optional", "%s --%s: optional arguments are not documented" % (prog, name))
        v = re.fullmatch(r"'(.)'", val)
        short = v.group(1) if v and v.group(1) in shorts else None
        if short:
            check(shorts[short] == (kind == "required"), "%s -%s and --%s differ on the argument"
                  % (prog, short, name))
        out[name] = (kind == "required", short)
    check(out, "%s: no options found in %s" % (prog, SOURCES[prog]))
    return out


def section(lines, start, is_end):
    """The lines after the first one equal to start, up to the first for which is_end holds."""
    check(start in lines, "no %r" % start)
    out = []
    for line in lines[lines.index(start) + 1:]:
        if is_end(line):
            break
        out.append(line)
    return out


def help_options(prog):
    """{long: (argument name or None, short)} from the Options section of --help."""
    lines = help_text(prog).splitlines()
    out = {}
    for line in section(lines, "Options:", lambda l: l and not l.startswith(" ")):
        m = re.match(r"^  (?:-(\w), |    )--([a-z][a-z-]*)(?: ([A-Z][A-Z:]*))?(?:  |$)", line)
        if m:
            out[m.group(2)] = (m.group(3), m.group(1))
        else:
            check(not re.match(r"^\s+-", line), "%s --help: unreadable option line %r" % (prog, line))
    return out


def man_lines(page):
    with open(os.path.join(MAN, page), encoding="utf-8") as f:
        return f.read().splitlines()


def man_options(prog):
    """{long: (argument name or None, short)} from the OPTIONS section of the manual page: the
    tag line after each .TP."""
    lines = section(man_lines(prog + ".1"), ".SH OPTIONS", lambda l: l.startswith(".SH "))
    out = {}
    tag = re.compile(r"^(?:\\fB\\-(\w)\\fR, )?\\fB\\-\\-((?:[a-z]|\\-)+)\\fR(?: \\fI([A-Z:]+)\\fR)?$")
    for i, line in enumerate(lines):
        if line == ".TP":
            m = tag.match(lines[i + 1])
            check(m, "%s.1: unreadable option line %r" % (prog, lines[i + 1]))
            out[m.group(2).replace("\\-", "-")] = (m.group(3), m.group(1))
    return out


def test_options_agree_in_parsing_help_and_manual():
    for prog in PROGRAMS:
        parsed, helped, manned = parsed_options(prog), help_options(prog), man_options(prog)
        for name, where in ((helped, "--help"), (manned, "the manual page")):
            check(set(name) == set(parsed), "%s: options of %s differ from the parsing: "
                  "missing %s, not parsed %s" % (prog, where, sorted(set(parsed) - set(name)),
                                                 sorted(set(name) - set(parsed))))
        for opt, (arg, short) in parsed.items():
            for name, where in ((helped, "--help"), (manned, "the manual page")):
                got_arg, got_short = name[opt]
                check(bool(got_arg) == arg, "%s --%s: argument in %s: %r, parsing: %s"
                      % (prog, opt, where, got_arg, arg))
                check(got_short == short, "%s --%s: short option in %s: %r, parsing: %r"
                      % (prog, opt, where, got_short, short))
            check(helped[opt][0] == manned[opt][0], "%s --%s: argument %r in --help, %r in the "
                  "manual page" % (prog, opt, helped[opt][0], manned[opt][0]))


def test_exit_statuses_agree_in_help_and_manual():
    for prog in PROGRAMS:
        lines = help_text(prog).splitlines()
        helped = set()
        for line in section(lines, "Exit status:", lambda l: l and not l.startswith(" ")):
            helped |= {int(c) for c in re.findall(r"(?:^|\s{2,})(\d{1,3})\s{2,}(?=\S)", line)}
        lines = section(man_lines(prog + ".1"), ".SH EXIT STATUS", lambda l: l.startswith(".SH "))
        manned = {int(lines[i + 1][3:]) for i, l in enumerate(lines)
                  if l == ".TP" and re.fullmatch(r"\.B \d+", lines[i + 1])}
        check(helped and helped == manned, "%s: exit statuses %s in --help, %s in the manual page"
              % (prog, sorted(helped), sorted(manned)))


def test_manual_pages_render_without_warnings():
    pages = sorted(os.listdir(MAN))
    want = sorted([p + ".1" for p in PROGRAMS] + ["izde-query-language.7"])
    check(pages == want, "man/ holds %s, expected %s" % (pages, want))
    for page in pages:
        name, sect = page.rsplit(".", 1)
        th = [l for l in man_lines(page) if l.startswith(".TH ")]
        check(th and th[0].split()[1:3] == [name.upper(), sect], "%s: .TH %s" % (page, th))
        p = subprocess.run(["groff", "-k", "-man", "-ww", "-z", "-Tutf8", os.path.join(MAN, page)],
                           capture_output=True, text=True)
        check(p.returncode == 0 and not p.stderr, "%s: groff: %s" % (page, p.stderr))
        for ref, refsect in re.findall(r"^\.BR (izde-[a-z-]+) \((\d)\)", "\n".join(man_lines(page)),
                                       re.M):
            check("%s.%s" % (ref, refsect) in pages, "%s refers to %s(%s)" % (page, ref, refsect))


def help_text(prog):
    code, out, err = run([PROGRAMS[prog], "--help"])
    check(code == 0 and out.startswith("Usage: " + prog), "%s --help: %d %s" % (prog, code, err))
    return out


def example_settings():
    """(key, value) of every setting line of the example, commented out or not."""
    with open(EXAMPLE, encoding="utf-8") as f:
        return [m.groups() for m in map(SETTING.match, f.read().splitlines()) if m]


def config_keys():
    """The keys the config file parser knows (the table of lib/config/config.c)."""
    with open(os.path.join(ARGS.source, "lib", "config", "config.c"), encoding="utf-8") as f:
        m = re.search(r"static const char \*const keys\[\] = \{([^}]*)\}", f.read())
    check(m, "no key table in lib/config/config.c")
    return re.findall(r'"([a-z-]+)"', m.group(1))


def test_example_config_keys_are_options():
    settings = example_settings()
    keys = [k for k, _ in settings]
    check(len(keys) == len(set(keys)), "a key twice in the example: %s" % keys)
    check(sorted(keys) == sorted(config_keys()), "deploy/izde.conf has %s, the parser knows %s"
          % (sorted(keys), sorted(config_keys())))
    helps = {p: help_text(p) for p in PROGRAMS}
    for key in keys:
        # an option, or a key the help names as one of the config file only (the key files)
        users = [p for p, h in helps.items() if re.search(r"--%s\b" % re.escape(key), h)
                 or re.search(r"(?<![-\w])%s\b" % re.escape(key), h)
                 and "config file only" in h]
        check(users, "example key %s is no program's option" % key)


def test_example_config_is_read_by_every_program():
    with TempDir() as tmp:
        db = os.path.join(tmp, "index")
        values = {"db": db, "synonyms": os.path.join(DATA, "synonyms.conf"),
                  "listen": "127.0.0.1:0"}
        for name in ("admin", "search"):  # key files as the example asks for them
            path = os.path.join(tmp, name + ".key")
            with open(path, "w", encoding="ascii") as f:
                f.write("%s-key-of-the-example-config\n" % name)
            os.chmod(path, 0o600)
            values[name + "-key-file"] = path
        conf = os.path.join(tmp, "izde.conf")
        with open(EXAMPLE, encoding="utf-8") as src, open(conf, "w", encoding="utf-8") as dst:
            for line in src:
                m = SETTING.match(line.rstrip("\n"))
                if m:
                    line = "%s = %s\n" % (m.group(1), values.get(m.group(1), m.group(2)))
                dst.write(line)
        env = {"IZDE_CONFIG": conf}
        src = os.path.join(tmp, "export")  # small, so that two builds stay quick under ASan
        os.makedirs(src)
        shutil.copy(os.path.join(DATA, "entries-en.jsonl"), src)
        code, out, err = run([ARGS.indexer, "--quiet", src], env=env)
        check(code == 0 and os.path.exists(os.path.join(db, "XAPIANDB")), "indexer: " + err)
        code, out, err = run([ARGS.query, "--count", "Astana"], env=env)
        check(code == 0 and int(out) > 0, "query (Astana finds Nur-Sultan): %d %s" % (code, err))
        code, out, err = run([ARGS.reindex, "--source", src], env=env)
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
    main([test_options_agree_in_parsing_help_and_manual,
          test_exit_statuses_agree_in_help_and_manual, test_manual_pages_render_without_warnings,
          test_example_config_keys_are_options, test_example_config_is_read_by_every_program])
