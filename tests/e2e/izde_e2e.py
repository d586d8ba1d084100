"""Shared helpers for izde's end-to-end tests: temporary folders, running the programs,
reading data/ independently of izde (the oracle the results are checked against)."""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"])}


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def run(args, input_text=None, env=None):
    """Runs a program; returns (exit code, stdout, stderr) as text."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    p = subprocess.run(args, input=input_text, capture_output=True, text=True, env=full_env,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def read_data(data_dir):
    """Every entry of data/ as dicts with id, date, lang, title, body, tags: JSONL files are
    read with json, news pages with a small independent parser."""
    entries = []
    for name in sorted(os.listdir(data_dir)):
        path = os.path.join(data_dir, name)
        if name.endswith(".jsonl"):
            with open(path, encoding="utf-8") as f:
                entries += [json.loads(line) for line in f if line.strip()]
        elif name.endswith(".txt"):
            entries += read_page(path)
    return entries


def read_page(path):
    heading = re.compile(r"^\s*(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})\s*$")
    out, current = [], None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for line in lines:
        m = heading.match(line)
        if m and m.group(2).lower() in MONTHS:
            current = {"date": "%s-%02d-%02d" % (m.group(3), MONTHS[m.group(2).lower()],
                                                 int(m.group(1))), "body": "", "tags": ["NOC", "News"],
                       "title": None, "lang": "en"}
            out.append(current)
        elif current is not None and line.strip():
            current["body"] += line + "\n"
    return [e for e in out if e["body"].strip()]


def words(text):
    return re.findall(r"\w+", (text or "").lower().replace("ё", "е"))


class TempDir:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="izde-e2e-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


class Daemon:
    """izde-searchd as a child process; stderr is collected by a thread (access lines)."""

    def __init__(self, searchd, *args):
        self.proc = subprocess.Popen([searchd, *args], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, encoding="utf-8",
                                     errors="replace")
        self.lines, self.port = [], None
        self.ready = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.ready.wait(60)
        check(self.port is not None, "no 'listening on' line: %s" % self.lines[-5:])

    def _read(self):
        for line in self.proc.stderr:
            if len(self.lines) < 200000:  # a bulk load logs a line per request
                self.lines.append(line.rstrip("\n"))
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                self.ready.set()
        self.ready.set()

    def log(self):
        return "\n".join(self.lines)

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Failure("izde-searchd did not stop on %s" % sig)
        self.reader.join(5)  # the last lines (access log, "stopped") are read after the exit
        return code

    def kill(self):
        self.proc.kill()  # SIGKILL
        self.proc.wait(timeout=60)


class SearchdProcess(Daemon):
    """Daemon started from one argument list: the program, then its arguments."""

    def __init__(self, args):
        super().__init__(*args)


def request(path, method="GET", headers=None, body=None, port=None, conn=None):
    """One request; returns (status, headers with lower-case names, body bytes)."""
    own = conn is None
    if own:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        if own:
            conn.close()


def get_json(path, **kw):
    status, headers, body = request(path, **kw)
    check(headers.get("content-type") == "application/json; charset=utf-8",
          "%s: content type %s" % (path, headers.get("content-type")))
    return status, headers, json.loads(body.decode("utf-8"))


def main(tests):
    """Runs each test function, prints a line per test, exits non-zero on any failure."""
    failed = 0
    for t in tests:
        try:
            t()
            print("ok   ", t.__name__)
        except Exception as e:  # report every failure, not only the first
            failed += 1
            print("FAIL ", t.__name__, "-", e)
    print("%d passed, %d failed" % (len(tests) - failed, failed))
    sys.exit(1 if failed else 0)
