"""End-to-end test of installing izde: the Debian package and `cmake --install`.

Builds the .deb from this build folder with cpack, checks its control data (Depends worked out
by dpkg-shlibdeps, conffiles, maintainer scripts) and its files, then installs it with
`dpkg --root` into an empty Debian-12-shaped tree (merged /usr, a passwd with root only, and a
dpkg database in which the libraries of Depends are recorded as installed, copied from this
machine's, so dpkg checks Depends without --force-depends). The maintainer scripts run with
--force-script-chrootless: on this machine, with DPKG_ROOT set, since the tree has no shell to
chroot into. Then:
- systemd-analyze verify --root accepts the installed units with no message at all (it reports
  unknown keys and bad values as warnings with exit 0), once the tree also has systemd's own
  units and /bin/kill, copied from this machine's systemd and procps packages; an offline
  `systemd-analyze security` rates each service 2.0 or less;
- the installed programs run from the tree, in a folder of their own with IZDE_DB unset and
  IZDE_CONFIG naming the tree's izde.conf: --help; izde-indexer and izde-reindex, which must
  find the tree's share/izde/synonyms.conf from their bin/ by themselves (--help names it, and
  a word only a synonym group reaches is found); izde-query; izde-searchd started as its unit
  starts it (no --db: the folder's ./index) on a free port (/health, the demo page, a search);
- no installed file mentions the source or build folder (the programs find nothing there);
- reinstalling keeps one user; removing disables enabled units and keeps the changed conffile
  and the index; purging deletes /etc/izde, /var/lib/izde and /var/log/izde.
And `cmake --install --prefix P` writes units and settings that name P, and keeps a changed
setting (the new one as NAME.new).

dpkg --root must create files owned by root and by the user izde, so this needs root (CI runs
scripts/test as root); without root, or without one of the Debian tools (scripts/test installs
them), it exits 77 (skipped) and says why. Python standard library only."""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import threading

from izde_e2e import TempDir, check, main, read_data, run

ap = argparse.ArgumentParser()
ap.add_argument("--build-dir", required=True)
ap.add_argument("--source-dir", required=True)
ap.add_argument("--cpack", required=True)
ap.add_argument("--cmake", required=True)
ARGS = ap.parse_args()
DATA_DIR = os.path.abspath(os.path.join(ARGS.source_dir, "data"))
DATA = read_data(DATA_DIR)

PROGRAMS = ["izde-indexer", "izde-query", "izde-searchd", "izde-reindex"]
UNITS = ["izde-searchd.service", "izde-reindex.service", "izde-reindex.timer"]
# Tools and the Debian package that has each one (scripts/test installs them).
TOOLS = {"dpkg": "dpkg", "dpkg-deb": "dpkg", "dpkg-query": "dpkg",
         "dpkg-shlibdeps": "dpkg-dev", "systemd-analyze": "systemd", "systemctl": "systemd",
         "useradd": "passwd", "kill": "procps"}
LIBRARIES = ["libxapian30", "libicu72", "libjansson4", "libmicrohttpd12", "libxml2"]
# Only reachable through a synonym group of data/synonyms.conf: no entry contains it.
SYNONYM_ONLY = "Alma-Ata"
STATE = {}


def ok(args, what, timeout=120):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    check(p.returncode == 0,
          "%s: exit %d: %s" % (what, p.returncode, (p.stderr or p.stdout)[-800:]))
    return p.stdout


def in_root(path):
    return os.path.join(STATE["root"], path.lstrip("/"))


def dpkg(*args):
    # The log goes into the tree, not into this machine's /var/log/dpkg.log.
    return run(["dpkg", "--root", STATE["root"], "--log", in_root("/var/log/dpkg.log"),
                "--force-script-chrootless"] + list(args))


def owner(path):
    st = os.stat(path)
    return st.st_uid, st.st_gid


def passwd_lines(name):
    with open(in_root("/etc/passwd"), encoding="utf-8") as f:
        return [line.rstrip("\n").split(":") for line in f if line.startswith(name + ":")]


def expected_conffiles():
    names = ["reindex.env"]
    if os.path.exists(os.path.join(ARGS.source_dir, "deploy", "izde.conf")):
        names.append("izde.conf")
    return sorted(["/etc/izde/" + n for n in names] + ["/etc/logrotate.d/izde"])


def man_pages():
    folder = os.path.join(ARGS.source_dir, "man")
    if not os.path.isdir(folder):
        return []
    return sorted("/usr/share/man/man%s/%s.gz" % (n[-1], n) for n in os.listdir(folder)
                  if re.search(r"\.[1-8]$", n))


def make_root(root):
    """An empty tree shaped like Debian 12: merged /usr, root in passwd, an empty dpkg
    database but for the libraries izde depends on, recorded as installed (from this
    machine's database: the programs will run on this machine's libraries)."""
    for d in ("usr/bin", "usr/sbin", "usr/lib", "etc", "var/lib/dpkg/info",
              "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "var/log", "tmp"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for link in ("bin", "sbin", "lib"):
        os.symlink("usr/" + link, os.path.join(root, link))
    files = {"etc/passwd": "root:x:0:0:root:/root:/bin/bash\n", "etc/group": "root:x:0:\n",
             "etc/shadow": "root:*:19000:0:99999:7:::\n", "etc/gshadow": "root:*::\n",
             "var/lib/dpkg/available": ""}
    for name, text in files.items():
        with open(os.path.join(root, name), "w") as f:
            f.write(text)
    os.chmod(os.path.join(root, "etc/shadow"), 0o640)
    os.chmod(os.path.join(root, "etc/gshadow"), 0o640)
    stanzas = []
    for pkg in STATE["depends"]:
        code, out, _ = run(["dpkg-query", "--status", pkg])
        check(code == 0, "%s (in Depends) is not installed on this machine" % pkg)
        stanzas.append(out.strip() + "\n")
    with open(os.path.join(root, "var/lib/dpkg/status"), "w") as f:
        f.write("\n".join(stanzas))


def test_tools_and_root():
    missing = ["%s (package %s)" % (t, p) for t, p in TOOLS.items() if not shutil.which(t)]
    if missing or os.geteuid() != 0:
        why = ("missing " + ", ".join(missing)) if missing else \
            "not root: dpkg --root must create files owned by root and by the user izde"
        print("skipped: %s (scripts/test installs the tools and CI runs it as root)" % why)
        raise SystemExit(77)  # SKIP_RETURN_CODE in tests/e2e/CMakeLists.txt


def test_cpack_builds_the_deb():
    out_dir = os.path.join(STATE["tmp"], "pkg")
    ok([ARGS.cpack, "-G", "DEB", "--config", os.path.join(ARGS.build_dir, "CPackConfig.cmake"),
        "-B", out_dir], "cpack", timeout=900)
    debs = [n for n in os.listdir(out_dir) if n.endswith(".deb")]
    check(len(debs) == 1, "one .deb made: %s" % debs)
    STATE["deb"] = os.path.join(out_dir, debs[0])
    print("      %s, %d bytes" % (debs[0], os.path.getsize(STATE["deb"])))


def test_control_depends_conffiles_scripts():
    deb = STATE["deb"]
    fields = {}
    for name in ("Package", "Version", "Architecture", "Depends", "Maintainer"):
        fields[name] = ok(["dpkg-deb", "--field", deb, name], "dpkg-deb --field").strip()
    print("      Depends: %s" % fields["Depends"])
    arch = ok(["dpkg", "--print-architecture"], "dpkg --print-architecture").strip()
    check(fields["Package"] == "izde" and fields["Architecture"] == arch,
          "package name and architecture: %r" % fields)
    depends = [re.sub(r"\s*\(.*", "", d.split("|")[0].strip())
               for d in fields["Depends"].split(",")]
    for lib in LIBRARIES + ["libc6", "passwd"]:
        check(lib in depends, "%s in Depends: %s" % (lib, fields["Depends"]))
    STATE["depends"] = depends
    conffiles = sorted(ok(["dpkg-deb", "--info", deb, "conffiles"], "conffiles").split())
    check(conffiles == expected_conffiles(),
          "conffiles %s, expected %s" % (conffiles, expected_conffiles()))
    ctrl = os.path.join(STATE["tmp"], "control")
    ok(["dpkg-deb", "--control", deb, ctrl], "dpkg-deb --control")
    for script in ("postinst", "prerm", "postrm"):
        path = os.path.join(ctrl, script)
        check(os.access(path, os.X_OK), "%s is in the package and executable" % script)
        ok(["sh", "-n", path], "sh -n " + script)


def test_file_list():
    listing = ok(["dpkg-deb", "--contents", STATE["deb"]], "dpkg-deb --contents")
    files = sorted(line.split(" -> ")[0].split()[-1].lstrip(".")
                   for line in listing.splitlines() if not line.startswith("d"))
    STATE["files"] = files
    print("      %d files: %s" % (len(files), " ".join(files)))
    expected = (["/usr/bin/" + p for p in PROGRAMS] + ["/lib/systemd/system/" + u for u in UNITS]
                + expected_conffiles() + man_pages()
                + ["/usr/share/izde/synonyms.conf",
                   "/usr/share/doc/izde/examples/izde-reindex.cron",
                   "/usr/share/doc/izde/examples/nginx-izde.conf"])
    for path in expected:
        check(path in files, "%s in the package" % path)
    check(not [f for f in files if f.startswith("/usr/local")], "nothing in /usr/local")
    check(not [f for f in files if "/web/" in f],
          "no demo page files (they are compiled into izde-searchd)")


def test_dpkg_root_install():
    root = STATE["root"] = os.path.join(STATE["tmp"], "root")
    make_root(root)
    code, out, err = dpkg("--install", STATE["deb"])
    check(code == 0, "dpkg --root --install: exit %d: %s %s" % (code, out[-600:], err[-600:]))
    status = ok(["dpkg-query", "--root", root, "--show", "--showformat", "${Status}", "izde"],
                "dpkg-query")
    check(status == "install ok installed", "status in the tree: %r" % status)
    for path in STATE["files"]:
        check(os.path.exists(in_root(path)), "installed: %s" % path)
    users = passwd_lines("izde")
    check(len(users) == 1, "one user izde in the tree's passwd: %s" % users)
    user = users[0]
    check(user[5] == "/var/lib/izde" and user[6] == "/usr/sbin/nologin" and int(user[2]) < 1000,
          "izde is a system user with home /var/lib/izde, no login: %s" % user)
    check(os.path.exists(in_root("/etc/shadow")) and
          open(in_root("/etc/shadow")).read().count("izde:") == 1, "izde in the tree's shadow")
    STATE["ids"] = (int(user[2]), int(user[3]))
    for d in ("/var/lib/izde", "/var/log/izde"):
        check(os.path.isdir(in_root(d)) and owner(in_root(d)) == STATE["ids"],
              "%s owned by izde %s" % (d, STATE["ids"]))
    print("      installed into an empty tree; izde is uid %d" % STATE["ids"][0])


def test_units_verify():
    root = STATE["root"]
    # What a machine running these units has anyway: systemd's own units, and /bin/kill.
    runtime = in_root("/run/systemd/system")
    os.makedirs(runtime)
    for path in ok(["dpkg-query", "--listfiles", "systemd"], "dpkg -L systemd").splitlines():
        if re.match(r"^(/usr)?/lib/systemd/system/[^/]+$", path) and os.path.lexists(path) \
                and not os.path.isdir(path):
            shutil.copy(path, runtime, follow_symlinks=False)
    shutil.copy(shutil.which("kill"), in_root("/usr/bin/kill"))  # /bin/kill: /bin is usr/bin
    code, out, err = run(["systemd-analyze", "verify", "--root", root] + UNITS)
    check(code == 0 and not (out + err).strip(),
          "systemd-analyze verify: exit %d: %s" % (code, (out + err).strip()))
    print("      systemd-analyze verify --root: %s: no message" % " ".join(UNITS))
    for unit in UNITS[:2]:
        code, out, err = run(["systemd-analyze", "security", "--offline=yes", "--root", root,
                              "--threshold=20", unit])
        level = re.search(r"Overall exposure level for \S+: (.*)", out)
        print("      %s: exposure %s" % (unit, level.group(1) if level else "?"))
        check(code == 0, "%s: exposure above 2.0: %s" % (unit, out[-400:] + err))
    # [Install] sections work: enable in the tree (removal must undo it)
    ok(["systemctl", "--root", root, "enable", "izde-searchd.service", "izde-reindex.timer"],
       "systemctl --root enable")
    for link in ("multi-user.target.wants/izde-searchd.service",
                 "timers.target.wants/izde-reindex.timer"):
        check(os.path.islink(in_root("/etc/systemd/system/" + link)), "enabled: %s" % link)
    # the units name installed files
    for unit in UNITS[:2]:
        with open(in_root("/lib/systemd/system/" + unit), encoding="utf-8") as f:
            text = f.read()
        exe = re.search(r"^ExecStart=(\S+)", text, re.M).group(1)
        check(exe.startswith("/usr/bin/") and os.access(in_root(exe), os.X_OK),
              "%s runs %s, installed" % (unit, exe))
        for path in re.findall(r"(?:EnvironmentFile=-|WorkingDirectory=)(/\S+)", text):
            check(os.path.exists(in_root(path)), "%s names %s, installed" % (unit, path))


def test_no_source_or_build_paths():
    needles = [os.path.realpath(d).encode() for d in (ARGS.source_dir, ARGS.build_dir)]
    for path in STATE["files"]:
        with open(in_root(path), "rb") as f:
            data = f.read()
        for n in needles:
            check(n not in data, "%s mentions %s" % (path, n.decode()))


def installed_env():
    """No $IZDE_DB; the config file from the tree, never this machine's /etc/izde/izde.conf."""
    env = {k: v for k, v in os.environ.items() if k != "IZDE_DB"}
    conf = in_root("/etc/izde/izde.conf")
    env["IZDE_CONFIG"] = conf if os.path.exists(conf) else "/dev/null"
    return env


def run_installed(name, args):
    p = subprocess.run([in_root("/usr/bin/" + name)] + args, capture_output=True, text=True,
                       cwd=STATE["work"], env=installed_env(), timeout=120)
    return p.returncode, p.stdout, p.stderr


def test_installed_programs_run():
    work = STATE["work"] = os.path.join(STATE["tmp"], "work")
    os.makedirs(work)
    for name in PROGRAMS:
        code, out, err = run_installed(name, ["--help"])
        check(code == 0 and ("Usage: " + name) in out, "%s --help: %d %s" % (name, code, err))
    synonyms = os.path.realpath(in_root("/usr/share/izde/synonyms.conf"))
    for name in ("izde-indexer", "izde-reindex"):
        code, out, err = run_installed(name, ["--help"])
        check(synonyms in out, "%s --help names the tree's synonyms %s" % (name, synonyms))
    code, out, err = run_installed("izde-indexer", ["--db", "index", DATA_DIR])
    check(code == 0, "installed izde-indexer: %d %s" % (code, err[-400:]))
    code, out, err = run_installed("izde-query", ["--db", "index", "--count", "swimmers"])
    check(code == 0 and int(out) > 0, "installed izde-query swimmers: %d %s %s" % (code, out, err))
    text = " ".join(" ".join([e.get("title") or "", e["body"]]) for e in DATA).lower()
    check(SYNONYM_ONLY.lower() not in text, "%s is in no entry" % SYNONYM_ONLY)
    code, out, err = run_installed("izde-query", ["--db", "index", "--count", SYNONYM_ONLY])
    check(code == 0 and int(out) > 0,
          "%s found through the installed synonyms: %d %s %s" % (SYNONYM_ONLY, code, out, err))
    STATE["synonym_hits"] = int(out)
    export = os.path.join(work, "export")
    os.makedirs(export)
    for n in os.listdir(DATA_DIR):
        if n.endswith((".jsonl", ".txt")):
            shutil.copy(os.path.join(DATA_DIR, n), export)
    code, out, err = run_installed("izde-reindex", ["--source", export, "--db", "reindexed",
                                                    "--log", "reindex.log"])
    check(code == 0, "installed izde-reindex: %d %s" % (code, err[-400:]))
    code, out, err = run_installed("izde-query", ["--db", "reindexed", "--count", SYNONYM_ONLY])
    check(code == 0 and int(out) == STATE["synonym_hits"],
          "%s after izde-reindex: %d %s %s" % (SYNONYM_ONLY, code, out, err))
    with open(os.path.join(work, "reindex.log"), encoding="utf-8") as f:
        line = f.read()
    check(" outcome=ok " in line and " entries=%d " % len(DATA) in line, "log: %s" % line)
    print("      --help x4 (synonyms: %s); izde-indexer + izde-query: %d entries with %s"
          " (only via synonyms); izde-reindex: %s, the same" % (
              synonyms[len(os.path.realpath(STATE["root"])):], STATE["synonym_hits"],
              SYNONYM_ONLY, " ".join(re.findall(r"(?:outcome|entries)=\S+", line))))


class Searchd:
    """The installed izde-searchd as izde-searchd.service starts it (no --db: the index is
    ./index of its working folder), but on 127.0.0.1:0."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [in_root("/usr/bin/izde-searchd"), "--listen", "127.0.0.1:0"], cwd=STATE["work"],
            env=installed_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            errors="replace")
        self.lines, self.port, self.ready = [], None, threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        self.ready.wait(30)
        check(self.port, "no 'listening on' line: %s" % self.lines[-5:])

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                self.ready.set()
        self.ready.set()

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            return r.status, r.getheader("Content-Type", ""), r.read().decode("utf-8")
        finally:
            conn.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)


def test_installed_searchd_serves():
    d = Searchd()
    try:
        status, _, body = d.get("/health")
        health = json.loads(body) if status == 200 else {}
        check(status == 200 and health.get("status") == "ok" and
              health.get("entries") == len(DATA), "/health: %d %s" % (status, body[:200]))
        status, ctype, body = d.get("/")
        check(status == 200 and ctype.startswith("text/html") and "<html" in body.lower(),
              "demo page: %d %s" % (status, ctype))
        status, _, body = d.get("/search?q=" + SYNONYM_ONLY)
        check(status == 200 and json.loads(body)["total"] == STATE["synonym_hits"],
              "/search?q=%s: %d %s" % (SYNONYM_ONLY, status, body[:200]))
        print("      izde-searchd (./index) on port %d: /health %s, / is the demo page,"
              " /search finds %s" % (d.port, health, SYNONYM_ONLY))
    finally:
        code = d.stop()
    check(code == 0, "izde-searchd exit on SIGTERM: %d %s" % (code, d.lines[-3:]))


def test_reinstall_remove_purge():
    root = STATE["root"]
    code, out, err = dpkg("--install", STATE["deb"])
    check(code == 0, "reinstall: %d %s %s" % (code, out[-400:], err[-400:]))
    check(len(passwd_lines("izde")) == 1, "still one user izde after a reinstall")
    conf = in_root("/etc/izde/reindex.env")
    with open(conf, "a") as f:
        f.write("# changed by the administrator\n")
    os.makedirs(in_root("/var/lib/izde/index"))
    code, out, err = dpkg("--remove", "izde")
    check(code == 0, "dpkg --remove: %d %s %s" % (code, out[-400:], err[-400:]))
    for path in ["/usr/bin/" + p for p in PROGRAMS] + ["/lib/systemd/system/" + u for u in UNITS]:
        check(not os.path.lexists(in_root(path)), "removed: %s" % path)
    for link in ("multi-user.target.wants/izde-searchd.service",
                 "timers.target.wants/izde-reindex.timer"):
        check(not os.path.lexists(in_root("/etc/systemd/system/" + link)), "disabled: " + link)
    check(os.path.exists(conf) and "changed by the administrator" in open(conf).read(),
          "the changed conffile is kept on remove")
    check(os.path.isdir(in_root("/var/lib/izde/index")), "the index is kept on remove")
    code, out, err = dpkg("--purge", "izde")
    check(code == 0, "dpkg --purge: %d %s %s" % (code, out[-400:], err[-400:]))
    for path in ("/etc/izde", "/var/lib/izde", "/var/log/izde", "/etc/logrotate.d/izde"):
        check(not os.path.lexists(in_root(path)), "purged: %s" % path)
    code, out, _ = run(["dpkg-query", "--root", root, "--show", "--showformat", "${Status}",
                        "izde"])
    check(code != 0 or "not-installed" in out, "izde unknown after purge: %d %s" % (code, out))
    check(len(passwd_lines("izde")) == 1, "the user izde is kept (Debian's custom)")
    print("      reinstall: one user; remove: units disabled, changed conffile and index kept;"
          " purge: /etc/izde, /var/lib/izde, /var/log/izde gone")


def test_cmake_install_prefix():
    prefix = os.path.join(STATE["tmp"], "prefix")
    ok([ARGS.cmake, "--install", ARGS.build_dir, "--prefix", prefix], "cmake --install")
    with open(os.path.join(prefix, "lib/systemd/system/izde-searchd.service")) as f:
        unit = f.read()
    check("ExecStart=%s/bin/izde-searchd\n" % prefix in unit,
          "the unit names the prefix: %s" % re.findall(r"ExecStart=.*", unit))
    with open(os.path.join(prefix, "lib/systemd/system/izde-reindex.service")) as f:
        unit = f.read()
    for path in re.findall(r"(?:ExecStart=|EnvironmentFile=-)(/\S+)", unit):
        check(path.startswith(prefix + "/") and os.path.exists(path),
              "izde-reindex.service names %s, installed under the prefix" % path)
    conf = os.path.join(prefix, "etc/izde/reindex.env")
    with open(conf, "a") as f:
        f.write("IZDE_REINDEX_ARGS=--jobs 2\n")
    out = ok([ARGS.cmake, "--install", ARGS.build_dir, "--prefix", prefix], "cmake --install again")
    check("--jobs 2" in open(conf).read() and os.path.exists(conf + ".new") and
          "Keeping" in out, "a changed setting is kept, the new one beside it: %s" % out[-300:])
    print("      cmake --install --prefix P: units name P/bin, P/etc/izde;"
          " a changed reindex.env kept, reindex.env.new beside it")


def run_all():
    test_tools_and_root()
    with TempDir() as tmp:
        STATE["tmp"] = tmp
        main([test_cpack_builds_the_deb, test_control_depends_conffiles_scripts, test_file_list,
              test_dpkg_root_install, test_units_verify, test_no_source_or_build_paths,
              test_installed_programs_run, test_installed_searchd_serves,
              test_reinstall_remove_purge, test_cmake_install_prefix])


if __name__ == "__main__":
    run_all()
