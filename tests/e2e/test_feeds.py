"""End-to-end: feeds and article pages (tests/fixtures/feeds, tests/fixtures/pages) through
izde-indexer, then found with izde-query with the right title, date, language and url.

What the feeds say is read independently of izde, with Python's XML parser (oracle_items);
the pages' metadata is written out below. The malformed feed is checked against its known
faults."""
import argparse
import datetime
import email.utils
import html
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

from izde_e2e import TempDir, check, main, run

ap = argparse.ArgumentParser()
ap.add_argument("--indexer", required=True)
ap.add_argument("--query", required=True)
ap.add_argument("--fixtures", required=True, help="tests/fixtures")
ARGS = ap.parse_args()
FEEDS = os.path.join(ARGS.fixtures, "feeds")
PAGES = os.path.join(ARGS.fixtures, "pages")
STATE = {}
XML_NS = "{http://www.w3.org/XML/1998/namespace}"
LANGS = {"en": "en", "eng": "en", "ru": "ru", "rus": "ru", "kk": "kk", "kaz": "kk", "kz": "kk"}

# The pages' metadata, as their <head> and JSON-LD state it.
PAGES_WANT = [
    {"id": "https://stepsport.example/biathlon/2024/03/09/ibu-cup-podium.html",
     "url": "https://stepsport.example/biathlon/2024/03/09/ibu-cup-podium.html",
     "title": "Биатлонистка из Казахстана впервые поднялась на подиум этапа Кубка IBU",
     "date": "2024-03-09T13:05:00+05:00", "lang": "ru", "tags": ["Биатлон", "Кубок IBU"]},
    {"id": "https://www.qazsport.example/kk/news/kazaksha-kures-turkistan-20240310",
     "url": "https://www.qazsport.example/kk/news/kazaksha-kures-turkistan-20240310",
     "title": "Қазақ күресінен әлем чемпионаты Түркістанда өтеді",
     "date": "2024-03-10T09:15:00+06:00", "lang": "kk", "tags": []},
    {"id": "steppe-times-en-football", "url": None,
     "title": "Kairat reach the Kazakhstan Cup final after penalties",
     "date": "2024-03-08T21:50:00+05:00", "lang": "en", "tags": []},
    {"id": "vesti-ru-boxing-cp1251", "url": None,
     "title": "В Павлодаре прошёл турнир по боксу памяти ветеранов",
     "date": "2024-03-10T18:00:00+05:00", "lang": "ru", "tags": []},
]

# Text of the pages and feeds that is not the story: it must not be found.
FURNITURE = ["Перепечатка", "пресс-служба", "Поделиться", "Читайте", "cookie", "dataLayer",
             "briefing", "trackView", "widgets", "Көп оқылғандар", "Барлық құқықтар",
             "Поиск по сайту", "Фото"]


def local(tag):
    return tag.rsplit("}", 1)[-1]


def child(node, name):
    for c in node:
        if local(c.tag) == name:
            return c
    return None


def children(node, name):
    return [c for c in node if local(c.tag) == name]


def text_of(node):
    return "".join(node.itertext()).strip() if node is not None else ""


def plain(s):
    """Markup and entities gone, white space folded: what a title reads as."""
    s = html.unescape(re.sub(r"<[^>]*>", " ", s))
    return " ".join(s.split())


def parse_feed(path):
    """Parses a feed with Python's XML parser. The named HTML entities some feeds use without a
    DTD (&laquo;) are replaced first: expat, like any XML parser, refuses them."""
    raw = open(path, "rb").read()
    m = re.match(rb'<\?xml[^>]*encoding="([^"]+)"', raw)
    text = raw.decode(m.group(1).decode() if m else "utf-8")
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    keep = ("amp", "lt", "gt", "quot", "apos")
    text = re.sub(r"&([A-Za-z][A-Za-z0-9]*);",
                  lambda m: m.group(0) if m.group(1) in keep else html.unescape(m.group(0)), text)
    return ET.fromstring(text)


def iso(dt):
    return dt if isinstance(dt, datetime.datetime) else datetime.datetime.fromisoformat(dt)


def oracle_items():
    """Every item of the well-formed feeds: id, url, title, date (a datetime), lang, tags."""
    out = []
    for name in ("qazsport-kk.rss", "stepsport-ru-cp1251.rss"):
        channel = child(parse_feed(os.path.join(FEEDS, name)), "channel")
        lang = LANGS.get(text_of(child(channel, "language"))[:2].lower(), "")
        for item in children(channel, "item"):
            out.append({"id": text_of(child(item, "guid")), "url": text_of(child(item, "link")),
                        "title": plain(text_of(child(item, "title"))),
                        "date": email.utils.parsedate_to_datetime(text_of(child(item, "pubDate"))),
                        "lang": lang,
                        "tags": [text_of(c) for c in children(item, "category")]})
    feed = parse_feed(os.path.join(FEEDS, "steppe-times-en.atom"))
    base = feed.get(XML_NS + "base")
    for entry in children(feed, "entry"):
        link = [l for l in children(entry, "link") if l.get("rel", "alternate") == "alternate"][0]
        date = text_of(child(entry, "published")) or text_of(child(entry, "updated"))
        lang = entry.get(XML_NS + "lang") or feed.get(XML_NS + "lang")
        out.append({"id": text_of(child(entry, "id")), "url": urljoin(base, link.get("href")),
                    "title": plain(text_of(child(entry, "title"))), "date": iso(date),
                    "lang": LANGS.get(lang[:2], ""),
                    "tags": [c.get("label") or c.get("term") for c in children(entry, "category")]})
    return out


ORACLE = oracle_items()
GOOD_BROKEN = ["http://regnews.example/news/43871", "http://regnews.example/news/43902"]


def query(*args, db=None):
    return run([ARGS.query, "--db", db or STATE["db"], *args])


def hits(*args):
    code, out, err = query("--format", "jsonl", "--all", *args)
    check(code in (0, 1), "izde-query %s failed (%d): %s" % (args, code, err))
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def words(title):
    """The title's words as a query (punctuation could read as query syntax)."""
    return " ".join(re.findall(r"\d+(?:[.,]\d+)*|\w+(?:['’]\w+)*", title))


def test_index_feeds_and_pages():
    code, out, err = run([ARGS.indexer, "--db", STATE["db"], FEEDS, PAGES])
    check(code == 1, "exit code with rejected items: %d\n%s" % (code, err))
    want = len(ORACLE) + len(GOOD_BROKEN) + len(PAGES_WANT)
    check("%d added, 0 updated, 0 unchanged, 0 deleted, 3 rejected" % want in err, err)
    broken = os.path.join(FEEDS, "broken-ru.rss")
    for line in (broken + ":14: item 2: date: cannot read pubDate 'Пн, 04 мар 2024 12:30:00 +0600'",
                 broken + ":21: item 3: no text (content:encoded, description)",
                 broken + ":35: item 5: no text (content:encoded, description)",
                 "warning: " + broken + ":12: malformed XML, read as far as possible: "):
        check(line in err, "reported: %s\n%s" % (line, err))
    # stable ids, same text: a second run changes nothing
    code, out, err = run([ARGS.indexer, "--db", STATE["db"], FEEDS, PAGES])
    check(code == 1 and "0 added, 0 updated, %d unchanged" % want in err, err)


def check_hit(want, got, what):
    for key in ("id", "title", "lang", "url"):
        check(got.get(key) == want[key], "%s: %s %r != %r" % (what, key, got.get(key), want[key]))
    check(iso(got["date"]) == iso(want["date"]),
          "%s: date %s != %s" % (what, got["date"], want["date"]))
    check(sorted(got.get("tags") or []) == sorted(want["tags"]),
          "%s: tags %s != %s" % (what, got.get("tags"), want["tags"]))


def test_every_item_found_by_its_title():
    for want in ORACLE + PAGES_WANT:
        found = {h["id"]: h for h in hits(words(want["title"]))}
        check(want["id"] in found, "'%s' not found by its title: %s" % (want["title"], list(found)))
        check_hit(want, found[want["id"]], want["id"])


def test_found_by_body_words_in_each_language():
    cases = [
        ("боксшылар іріктеледі", "qazsport-kk-48213"),            # kk, content:encoded
        ("гроссмейстер ұпай", "qazsport-kk-48297"),               # kk, escaped description
        ("шайбу забросил", "https://stepsport.example/hockey/2024/03/06/barys-avangard.html"),
        ("Щучинске", "https://stepsport.example/ski/2024/03/07/asian-cup-ridder.html"),
        ("Yesil river", "tag:steppetimes.example,2024-03-07:/sport/astana-marathon-record-field"),
        ("club hockey abroad",
         "tag:steppetimes.example,2024-03-06:/sport/hockey-world-championship-squad"),
        ("гонка преследования", PAGES_WANT[0]["id"]),              # ru page, after an <h2>
        ("спорт кешенінде", PAGES_WANT[1]["id"]),                  # kk page
        ("goalkeeper shoot-out", PAGES_WANT[2]["id"]),             # en page
        ("Экибастуза", PAGES_WANT[3]["id"]),                       # windows-1251 page
        ("Темиртау мини-футболу", GOOD_BROKEN[1]),                 # after the malformed item
        ("Вход свободный", GOOD_BROKEN[0]),                        # inside the unclosed <br>
    ]
    for q, want in cases:
        got = [h["id"] for h in hits(q)]
        check(want in got, "%r: %s not in %s" % (q, want, got))


def test_page_furniture_is_not_indexed():
    for word in FURNITURE:
        code, out, err = query("--count", word)
        check(code == 1 and out.strip() == "0", "%r matched %s entries" % (word, out.strip()))


def test_filters_on_what_feeds_declare():
    everything = ORACLE + PAGES_WANT
    for lang in ("en", "kk", "ru"):
        want = {e["id"] for e in everything if e["lang"] == lang}
        if lang == "ru":
            want |= set(GOOD_BROKEN)
        got = {h["id"] for h in hits("lang:" + lang)}
        check(got == want, "lang:%s: %s != %s" % (lang, sorted(got), sorted(want)))
    want = {e["id"] for e in everything if str(iso(e["date"]))[:10] == "2024-03-07"}
    got = {h["id"] for h in hits("date:2024-03-07")}
    check(got == want, "date:2024-03-07: %s != %s" % (sorted(got), sorted(want)))


def test_standard_input_and_names_without_extension():
    with TempDir() as tmp:
        db = os.path.join(tmp, "db")
        with open(os.path.join(FEEDS, "steppe-times-en.atom"), encoding="utf-8") as f:
            code, out, err = run([ARGS.indexer, "--db", db, "-"], input_text=f.read())
        check(code == 0 and "4 added" in err, "feed on standard input: %d %s" % (code, err))
        saved = os.path.join(tmp, "rss")  # as a browser saves https://…/rss
        shutil.copy(os.path.join(FEEDS, "qazsport-kk.rss"), saved)
        code, out, err = run([ARGS.indexer, "--db", db, saved])
        check(code == 0 and "3 added" in err, "feed without an extension: %d %s" % (code, err))
        code, out, err = query("--count", "шахматшы", db=db)
        check(out.strip() == "1", "found in the saved feed: " + out)


if __name__ == "__main__":
    with TempDir() as tmp:
        STATE["db"] = os.path.join(tmp, "index")
        main([test_index_feeds_and_pages, test_every_item_found_by_its_title,
              test_found_by_body_words_in_each_language, test_page_furniture_is_not_indexed,
              test_filters_on_what_feeds_declare,
              test_standard_input_and_names_without_extension])
