"""The izde-searchd demo page in headless Chromium, driven over the DevTools protocol.

Types a query, picks a suggestion with the keyboard, checks highlighted results and the
address bar, pages on with the filters kept (facets asked for on the first page only), clicks a
facet, follows "did you mean", checks the empty-result message, and saves screenshots
(desktop and phone width) to tests/artifacts/. Python standard library only: a minimal
WebSocket client speaks to Chromium's DevTools endpoint."""
import argparse
import base64
import json
import os
import random
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

from izde_e2e import Failure, TempDir, check, main, run

ap = argparse.ArgumentParser()
ap.add_argument("--searchd", required=True)
ap.add_argument("--indexer", required=True)
ap.add_argument("--data", required=True)
ap.add_argument("--artifacts", required=True)
ap.add_argument("--chromium", default="/usr/bin/chromium")
ARGS = ap.parse_args()
STATE = {}


class WebSocket:
    """Just enough of RFC 6455 for DevTools: text frames, client masking, fragmentation."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n"
                           % (u.path, u.hostname, u.port, key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise Failure("websocket handshake: connection closed")
            head += chunk
        if not head.startswith(b"HTTP/1.1 101"):
            raise Failure("websocket handshake: %r" % head[:200])

    def _exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise Failure("websocket closed")
            data += chunk
        return data

    def send(self, text):
        payload = text.encode()
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", 0x81, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", 0x81, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x81, 0x80 | 127, n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._exact(8))[0]
            mask = self._exact(4) if b1 & 0x80 else None
            data = self._exact(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise Failure("websocket closed by the browser")
            if opcode == 0x9:  # ping: answer with a pong carrying the same data
                self.sock.sendall(struct.pack("!BB", 0x8A, 0x80 | len(data)) + b"\0\0\0\0" + data)
                continue
            message += data
            if b0 & 0x80:
                return message.decode()

    def close(self):
        self.sock.close()


class Page:
    """One DevTools page session: commands by id, events kept for inspection."""

    def __init__(self, ws):
        self.ws, self.next_id, self.events = ws, 0, []

    def cmd(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise Failure("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def js(self, expression):
        r = self.cmd("Runtime.evaluate", expression=expression, returnByValue=True,
                     awaitPromise=True)
        if "exceptionDetails" in r:
            raise Failure("js %s: %s" % (expression, r["exceptionDetails"]))
        return r["result"].get("value")

    def wait(self, expression, what, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.js(expression):
                return
            time.sleep(0.05)
        raise Failure("timed out waiting for %s" % what)

    def key(self, key, code, vk, text=None):
        for kind in ("keyDown", "keyUp"):
            params = {"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": vk}
            if text and kind == "keyDown":
                params["text"] = text
            self.cmd("Input.dispatchKeyEvent", **params)

    def click(self, selector):
        box = self.js("(() => { const r = document.querySelector(%s).getBoundingClientRect();"
                      " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
                      % json.dumps(selector))
        for kind in ("mousePressed", "mouseReleased"):
            self.cmd("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1],
                     button="left", clickCount=1)

    def goto(self, url):
        self.js("window.izdeOldPage = true")  # gone once the new document has loaded
        self.cmd("Page.navigate", url=url)
        self.wait("!window.izdeOldPage && document.readyState === 'complete'", "load of " + url)

    def screenshot(self, name):
        data = self.cmd("Page.captureScreenshot", format="png", captureBeyondViewport=False)
        os.makedirs(ARGS.artifacts, exist_ok=True)
        path = os.path.join(ARGS.artifacts, name)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data["data"]))
        return path

    def errors(self):
        out = []
        for e in self.events:
            if e["method"] == "Runtime.exceptionThrown":
                out.append(e["params"]["exceptionDetails"].get("text"))
            elif e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error":
                out.append(e["params"]["entry"].get("text"))
        return out


def start_searchd(db, tmp):
    """The daemon with writes on (an admin key): the page must work as it does without."""
    key = os.path.join(tmp, "admin.key")
    with open(key, "w", encoding="ascii") as f:
        f.write("browser-test-admin-key-%016x\n" % random.getrandbits(64))
    os.chmod(key, 0o600)
    conf = os.path.join(tmp, "izde.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write("admin-key-file = %s\n" % key)
    proc = subprocess.Popen([ARGS.searchd, "--db", db, "--listen", "127.0.0.1:0", "--threads",
                             "2", "--config", conf], stderr=subprocess.PIPE, text=True)
    port, writes = None, False
    for line in proc.stderr:
        writes |= line.startswith("izde-searchd: writes are on")
        m = re.match(r"izde-searchd: listening on http://127\.0\.0\.1:(\d+)/$", line)
        if m:
            port = int(m.group(1))
            break
    check(port, "izde-searchd did not start")
    check(writes, "izde-searchd did not turn writes on")
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
    return proc, "http://127.0.0.1:%d" % port


def start_chromium(profile):
    proc = subprocess.Popen([
        ARGS.chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
        "--remote-debugging-port=0", "--window-size=1280,900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.time() + 30
    while time.time() < deadline and not os.path.exists(port_file):
        time.sleep(0.05)
    check(os.path.exists(port_file), "chromium did not open its DevTools port")
    time.sleep(0.1)
    port = int(open(port_file).read().split()[0])
    targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port))
    page = next(t for t in targets if t["type"] == "page")
    return proc, page["webSocketDebuggerUrl"]


# ---- the tests ---------------------------------------------------------------------------------

def test_type_pick_suggestion_and_see_marks():
    p, base = STATE["page"], STATE["base"]
    p.goto(base + "/")
    check(p.js("document.title") == "izde — search", "title")
    check(p.js("document.documentElement.lang") == "en", "html lang")
    check(p.js("document.activeElement.id") == "q", "the search box has the focus")
    p.screenshot("searchd-start.png")
    p.cmd("Input.insertText", text="olymp")
    p.wait("!document.getElementById('suggestions').hidden && "
           "document.querySelectorAll('#suggestions [role=option]').length > 0", "suggestions")
    check(p.js("document.getElementById('q').getAttribute('aria-expanded')") == "true",
          "aria-expanded")
    p.key("ArrowDown", "ArrowDown", 40)
    active = p.js("document.getElementById('q').getAttribute('aria-activedescendant')")
    check(active == "suggestion-0", "ArrowDown highlights the first suggestion: %s" % active)
    picked = p.js("document.getElementById('suggestion-0').textContent")
    check(picked.startswith("olymp"), "suggestion %s" % picked)
    p.key("Enter", "Enter", 13, "\r")
    p.wait("document.querySelectorAll('#hits .hit').length > 0", "results")
    p.wait("document.querySelectorAll('#hits mark').length > 0", "<mark> in the results")
    check(p.js("document.getElementById('suggestions').hidden"), "suggestions closed")
    check(p.js("new URLSearchParams(location.search).get('q')") == picked,
          "the address carries the query")
    check(p.js("document.querySelector('#hits .hit').lang") == "en", "results carry lang")


def test_click_facet_filters():
    p = STATE["page"]
    p.goto(STATE["base"] + "/?q=" + urllib.parse.quote("NOC OR НОК OR ҰОК"))
    p.wait("document.querySelectorAll('#hits .hit').length > 0", "results from the address")
    before = p.js("document.getElementById('status').textContent")
    facets = p.js("document.querySelectorAll('#filters .facet-value').length")
    check(facets > 0, "filters shown on the first page")
    # the next page keeps the filters: counted once, for the first page (facets=1), and kept
    p.js("document.querySelector('#pager [aria-label=\"Page 2\"]').scrollIntoView()")
    p.click('#pager [aria-label="Page 2"]')
    p.wait("new URLSearchParams(location.search).get('page') === '2'", "page 2 in the address")
    p.wait("document.querySelector('#pager [aria-current=\"page\"]')?.textContent === '2'",
           "page 2 shown")
    check(p.js("document.querySelectorAll('#filters .facet-value').length") == facets,
          "filters kept on page 2")
    asked = p.js("performance.getEntriesByType('resource').map(e => e.name)"
                 ".filter(n => n.includes('/search?'))"
                 ".map(n => new URL(n).searchParams)"
                 ".map(s => [s.get('page'), s.get('facets')])")
    check(["1", "1"] in asked and ["2", None] in asked,
          "facets asked for on the first page only: %s" % asked)
    p.js("document.querySelector('#pager [aria-label=\"Page 1\"]').scrollIntoView()")
    p.click('#pager [aria-label="Page 1"]')
    p.wait("new URLSearchParams(location.search).get('page') === null", "back to page 1")
    p.wait("document.querySelector('#pager [aria-current=\"page\"]')?.textContent === '1'",
           "page 1 shown")
    p.click('[data-facet="lang"][data-value="kk"]')
    p.wait("new URLSearchParams(location.search).get('lang') === 'kk'", "lang in the address")
    p.wait("document.querySelector('[data-facet=\"lang\"][data-value=\"kk\"]')"
           "?.getAttribute('aria-pressed') === 'true'", "facet pressed")
    langs = p.js("[...document.querySelectorAll('#hits .hit')].map(h => h.lang)")
    check(langs and set(langs) == {"kk"}, "only Kazakh results: %s" % langs)
    check(p.js("document.getElementById('status').textContent") != before, "count changed")
    check(p.js("document.querySelectorAll('#active .chip').length") == 1, "one filter chip")
    # a year facet as well, then the screenshot of a filtered page
    year = p.js("document.querySelector('[data-facet=\"year\"]').dataset.value")
    p.click('[data-facet="year"][data-value="%s"]' % year)
    p.wait("new URLSearchParams(location.search).get('year') === %s" % json.dumps(year),
           "year in the address")
    p.wait("[...document.querySelectorAll('#hits time')].every(t => t.dateTime.startsWith(%s))"
           % json.dumps(year), "results of that year")
    path = p.screenshot("searchd-filtered.png")
    check(os.path.getsize(path) > 10000, "screenshot %s" % path)


def test_did_you_mean_and_nothing_found():
    p = STATE["page"]
    p.goto(STATE["base"] + "/?q=swimmmer")
    p.wait("!document.getElementById('didyoumean').hidden", "did you mean")
    p.click("#didyoumean button")
    p.wait("document.querySelectorAll('#hits mark').length > 0", "results of the suggestion")
    check(p.js("document.getElementById('q').value") != "swimmmer", "query replaced")
    p.goto(STATE["base"] + "/?q=qqqxxzzy")
    p.wait("!document.getElementById('empty').hidden", "nothing found message")
    check("Nothing found" in p.js("document.getElementById('empty').textContent"), "message")
    p.screenshot("searchd-empty.png")


def test_screenshots_desktop_and_phone():
    p = STATE["page"]
    p.goto(STATE["base"] + "/?q=swimmer")
    p.wait("document.querySelectorAll('#hits mark').length > 0", "results")
    path = p.screenshot("searchd-desktop.png")
    check(os.path.getsize(path) > 10000, "screenshot %s" % path)
    p.cmd("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=2,
          mobile=True)
    p.goto(STATE["base"] + "/?q=" + urllib.parse.quote("спортсменов"))
    p.wait("document.querySelectorAll('#hits mark').length > 0", "results")
    width = p.js("document.documentElement.scrollWidth")
    check(width <= 390, "no horizontal scrolling at phone width: %s" % width)
    p.screenshot("searchd-phone.png")
    check(not p.js("document.getElementById('filters-box').open"), "filters folded on a phone")
    p.click("#filters-box summary")
    p.wait("document.getElementById('filters-box').open", "filters unfold")
    p.click('[data-facet="year"]')
    p.wait("new URLSearchParams(location.search).get('year')", "year filter on a phone")
    check(p.js("document.getElementById('filters-box').open"), "filters stay open")
    p.screenshot("searchd-phone-filters.png")
    p.cmd("Emulation.clearDeviceMetricsOverride")


def test_no_script_errors():
    errors = STATE["page"].errors()
    check(not errors, "errors in the page: %s" % errors)


def run_all():
    if not os.access(ARGS.chromium, os.X_OK):
        print("skipped: no %s (scripts/test installs it)" % ARGS.chromium)
        sys.exit(77)  # SKIP_RETURN_CODE in tests/e2e/CMakeLists.txt
    with TempDir() as tmp:
        db = os.path.join(tmp, "db")
        code, _, err = run([ARGS.indexer, "--db", db, "--quiet", ARGS.data])
        if code != 0:
            raise SystemExit("izde-indexer failed (%d): %s" % (code, err))
        searchd, STATE["base"] = start_searchd(db, tmp)
        browser, ws_url = start_chromium(os.path.join(tmp, "profile"))
        ws = WebSocket(ws_url)
        status = 0
        try:
            STATE["page"] = Page(ws)
            for domain in ("Page", "Runtime", "Log"):
                STATE["page"].cmd(domain + ".enable")
            main([test_type_pick_suggestion_and_see_marks, test_click_facet_filters,
                  test_did_you_mean_and_nothing_found, test_screenshots_desktop_and_phone,
                  test_no_script_errors])
        except SystemExit as e:
            status = e.code
        finally:
            ws.close()
            browser.terminate()
            searchd.terminate()
            browser.wait(20)
            status = status or searchd.wait(20)
            shutil.rmtree(os.path.join(tmp, "profile"), ignore_errors=True)
    sys.exit(status)


if __name__ == "__main__":
    run_all()
