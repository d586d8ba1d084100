"""bench/benchlib.py — what bench/long and bench/scale share: the benchmark's own programs
compiled against an existing izde build, the corpus generator, measured runs of the indexer,
izde-searchd under loadgen, and the "engine<TAB>figure<TAB>value" lines they print.

Every command run is appended to OUT/commands.txt, so a figure can be reproduced by hand.

The CPUs of a virtual machine need not be equally fast (bench/README.md, "What is measured"):
an engine working alone runs on the first CPU this process may use, its one client on the
second (taskset); two clients use every CPU.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LAYERS = "config search index snippet store model text xapian util".split()


def fail(prog, msg):
    sys.exit(f"{prog}: FAILED: {msg}")


def need_packages(prog, pkgs):
    """Installs the Debian packages missing from pkgs (as bench/run does); fails when it cannot."""
    missing = [p for p in pkgs if "install ok installed" not in subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", p], stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True).stdout]
    if not missing:
        return
    print(f"{prog}: installing {' '.join(missing)}", file=sys.stderr, flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    ok = subprocess.run(sudo + ["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL).returncode == 0
    ok = ok and subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "--no-install-recommends",
                                       *missing], env=env, stdout=subprocess.DEVNULL).returncode == 0
    if not ok:
        fail(prog, f"could not install {' '.join(missing)}")


# The corpus generator's word lists.
WORD_PACKAGES = ["wamerican", "hunspell-ru", "hunspell-kk"]


def first_cpus():
    """(CPU for an engine alone, CPU for its one client), or None with one CPU or no taskset."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2 or not shutil.which("taskset"):
        return None
    return cpus[0], cpus[1]


class Bench:
    """Tools and logs of one benchmark folder (out)."""

    def __init__(self, prog, build, out):
        self.prog = prog
        self.build = os.path.abspath(build)
        self.out = os.path.abspath(out)
        os.makedirs(self.out, exist_ok=True)
        self.tools = os.path.join(self.out, "tools")
        os.makedirs(self.tools, exist_ok=True)
        self.commands = open(os.path.join(self.out, "commands.txt"), "a", encoding="utf-8")
        self.cpus = first_cpus()
        self.all_cpus = ",".join(str(c) for c in sorted(os.sched_getaffinity(0)))
        self.searchd_pid = None
        self.indexer = os.path.join(self.build, "indexer", "izde-indexer")
        self.searchd = os.path.join(self.build, "searchd", "izde-searchd")
        for f in (self.indexer, self.searchd):
            if not os.access(f, os.X_OK):
                fail(prog, f"{f} is missing: build izde first (--build-dir)")

    def say(self, msg):
        print(f"{self.prog}: {msg}", file=sys.stderr, flush=True)

    def run(self, cmd, log=None, check=True):
        """Runs cmd, returns its standard output; its standard error goes to log."""
        self.commands.write(" ".join(cmd) + "\n")
        self.commands.flush()
        err = open(log, "a") if log else subprocess.DEVNULL
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=err, text=True)
        if log:
            err.close()
        if check and p.returncode != 0:
            fail(self.prog, f"{' '.join(cmd)} exited {p.returncode}" + (f" (see {log})" if log else ""))
        return p.stdout

    def compile_tools(self, names=("gen", "loadgen", "fts5")):
        """Compiles the named bench programs (plain cc, as bench/run does)."""
        cflags = ["-O2", "-g", "-std=c11", "-Wall", "-Wextra"]
        extra = {"gen": ["-lm"], "loadgen": ["-lpthread"], "fts5": ["-lsqlite3", "-lpthread"]}
        for n in names:
            self.run(["cc", *cflags, "-o", os.path.join(self.tools, n), os.path.join(HERE, n + ".c"),
                      *extra[n]])

    def tool(self, name):
        return os.path.join(self.tools, name)

    def alone(self, cmd):
        """cmd on the CPU of an engine working alone."""
        return ["taskset", "-c", str(self.cpus[0]), *cmd] if self.cpus else cmd

    def pin_searchd(self, clients):
        """Every thread of the running izde-searchd on the engine's CPU (1 client) or all."""
        if self.cpus and self.searchd_pid:
            cpus = str(self.cpus[0]) if clients == 1 else self.all_cpus
            self.run(["taskset", "-a", "-p", "-c", cpus, str(self.searchd_pid)])

    def gen(self, dest, entries, *flags):
        """Generates a corpus (bench/gen.c) into dest, unless it is there already."""
        info = os.path.join(dest, "corpus.info")
        want = f"entries {entries}\n"
        stamp = os.path.join(dest, "gen.args")
        args = " ".join([str(entries), *flags])
        if os.path.exists(info) and os.path.exists(stamp) and open(stamp).read() == args:
            return
        os.makedirs(dest, exist_ok=True)
        self.say(f"generating {entries} {'articles' if '--long' in flags else 'entries'} into {dest}")
        self.run([self.tool("gen"), "--out", dest, "--entries", str(entries), *flags],
                 log=os.path.join(dest, "gen.log"))
        if not open(info).read().startswith(want):
            fail(self.prog, f"unexpected {info}")
        open(stamp, "w").write(args)

    @staticmethod
    def figures(text, rename=None):
        """The "engine<TAB>figure<TAB>value" lines of text as {(engine, figure): float}."""
        d = {}
        for line in text.splitlines():
            parts = line.split("\t")
            if len(parts) == 3:
                try:
                    d[(rename or parts[0], parts[1])] = float(parts[2])
                except ValueError:
                    pass
        return d

    def measured(self, name, cmd, log):
        """Wall time, peak resident memory and CPU of cmd (loadgen exec)."""
        out = self.run([self.tool("loadgen"), "exec", "--name", name, "--", *cmd], log=log)
        return self.figures(out)

    def rebuild(self, name, db, jsonl, log):
        """izde-indexer --rebuild of jsonl into a fresh db: wall_s, peak_rss_mb, cpu_s, size_mb."""
        shutil.rmtree(db, ignore_errors=True)
        f = self.measured(name, [self.indexer, "--db", db, "--rebuild", "--quiet", jsonl], log)
        f[(name, "size_mb")] = du_mb(db)
        return f

    def start_searchd(self, db, log):
        """Starts izde-searchd (2 threads) on db; returns (pid, port, ready_ms)."""
        cmd = [self.tool("loadgen"), "start", "--log", log, "--", self.searchd, "--listen",
               "127.0.0.1:0", "--threads", "2", "--db", db]
        pid, port, ready = self.run(cmd).split()
        self.searchd_pid = int(pid)
        return int(pid), int(port), float(ready)

    @staticmethod
    def stop(pid):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def http(self, port, queries, clients, passes, log, rename=None):
        self.pin_searchd(clients)
        client = ["taskset", "-c", str(self.cpus[1])] if self.cpus and clients == 1 else []
        out = self.run([*client, self.tool("loadgen"), "http", "--port", str(port), "--queries",
                        queries, "--clients", str(clients), "--passes", str(passes)], log=log)
        return self.figures(out, rename)


def du_mb(path):
    if os.path.isfile(path):
        return os.path.getsize(path) / 1e6
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(d, f)).st_size
            except OSError:
                pass
    return total / 1e6


def split_queries(src, dest, kinds):
    """Writes the lines of src whose kind is in kinds to dest; returns how many."""
    n = 0
    with open(src, encoding="utf-8") as f, open(dest, "w", encoding="utf-8") as o:
        for line in f:
            if line.startswith("#") or line.split("\t", 1)[0] in kinds:
                o.write(line)
                n += not line.startswith("#")
    return n


def machine_lines(build, load=None):
    """Machine and version lines for a results file; load: the load average when it began."""
    def sh(cmd):
        try:
            return subprocess.run(cmd, shell=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  text=True).stdout.strip()
        except OSError:
            return "?"
    src = sh(f"sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' {build}/CMakeCache.txt") or ROOT
    rev = sh(f"git -C {src} rev-parse --short HEAD")
    dirty = sh(f"git -C {src} status --porcelain --untracked-files=no")
    cpu = sh("lscpu | sed -n 's/^Model name: *//p' | head -1")
    sqlite = sh("sqlite3 --version | cut -d' ' -f1-2") or "sqlite3"
    xapian = (sh("xapian-config --version").split() or ["?"])[-1]
    cpus = first_cpus()
    return [
        f"- machine: {cpu}, {os.cpu_count()} cores"
        + (f", load average {load:.1f} at the start" if load is not None else ""),
        f"- izde {rev}{' (with uncommitted changes)' if dirty else ''}, "
        f"Xapian {xapian}, SQLite {sqlite}",
        f"- date {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        (f"- izde-searchd on CPU {cpus[0]} and its client on CPU {cpus[1]} with 1 client "
         f"(single-threaded engines on CPU {cpus[0]}); every CPU with 2" if cpus
         else "- one CPU: nothing pinned"),
    ]
