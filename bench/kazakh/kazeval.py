"""Shared code of the open-vocabulary Kazakh evaluation (bench/kazakh).

- the fixed package lists of the three texts and where their Kazakh strings are
- extraction of Kazakh strings from .mo catalogues and Mozilla language packs
- the text -> JSONL entries grouping
- token normalisation (roughly as izde: NFKC, lower case, ё -> е, no stress marks)
- the reading of apertium-kaz analyses and the tag mapping "form / not a form"

Python 3.9+, standard library only.
"""
import gzip
import io
import json
import lzma
import os
import re
import struct
import subprocess
import sys
import tarfile
import unicodedata
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CACHE = os.environ.get("IZDE_KK_CACHE", "/var/tmp/izde-kk")
DATE = "2023-06-10"  # Debian 12's release day: one date for every entry

# ---------------------------------------------------------------------------
# The three texts: disjoint sets of Debian 12 packages.
# "first": LibreOffice's Kazakh UI and the KDE Plasma/apps catalogues.
# "second": the Mozilla language packs (Firefox ESR, Thunderbird) and GNOME/Xfce catalogues.
# "third", held out (izde's Kazakh analyser was tuned on the first two only): KDE, GNOME,
# Xfce, MATE and system packages with a kk catalogue, in neither of the others, fewer than
# 40% of whose strings are in the first or second text (README.md "The texts").
TEXTS = {
    "first": [
        "libreoffice-l10n-kk",
        "plasma-workspace-data",
        "plasma-desktop-data",
        "konsole",
        "dolphin",
    ],
    "second": [
        "firefox-esr-l10n-kk",
        "thunderbird-l10n-kk",
        "gnome-control-center-data",
        "libgtk-3-common",
        "libglib2.0-data",
        "evolution-common",
        "nautilus-data",
        "gnome-shell-common",
        "gnome-software-common",
        "gnome-terminal-data",
        "gnome-calculator",
        "gnome-disk-utility",
        "network-manager-gnome",
        "gedit-common",
        "evince-common",
        "eog",
        "totem-common",
        "file-roller",
        "rhythmbox-data",
        "shotwell-common",
        "gimp-data",
        "thunar-data",
        "xfce4-settings",
        "xfce4-panel",
        "xfce4-session",
        "xfce4-terminal",
        "xfce4-power-manager-data",
        "libxfce4ui-common",
        "mousepad",
        "ristretto",
    ],
    "third": [
        # KDE Frameworks and applications
        "ark", "gwenview", "kate5-data", "kcalc", "kget", "khotkeys-data", "kinfocenter", "kio",
        "kmenuedit", "kolourpaint", "ktexteditor-data", "kwalletmanager",
        "libkf5configwidgets-data", "libkf5kcmutils-data", "libkf5parts-data",
        "libkf5service-data", "libkf5textwidgets-data", "libkf5wallet-data",
        "libkf5xmlgui-data", "okular", "okular-extra-backends", "powerdevil-data",
        "systemsettings",
        # GNOME programs, games and libraries
        "brasero-common", "cheese-common", "dconf-editor", "evolution-data-server-common",
        "five-or-more", "four-in-a-row", "gdm3", "gnome-chess", "gnome-clocks",
        "gnome-desktop3-data", "gnome-keyring", "gnome-klotski", "gnome-maps", "gnome-mines",
        "gnome-nibbles", "gnome-remote-desktop", "gnome-robots", "gnome-screenshot",
        "gnome-session-common", "gnome-settings-daemon-common", "gnome-shell-extensions",
        "gnome-sudoku", "gnome-system-monitor", "gnome-taquin", "gnome-tweaks", "gnome-weather",
        "gsettings-desktop-schemas", "gvfs-common", "hitori", "iagno", "libadwaita-1-0",
        "libgdk-pixbuf2.0-common", "libgoa-1.0-common", "libgtksourceview-5-common",
        "libsecret-common", "lightsoff", "mutter-common", "quadrapassel", "seahorse",
        "simple-scan", "swell-foop", "tali", "yelp", "zenity-common",
        # Xfce
        "thunar-volman", "tumbler-common", "xfburn", "xfce4-battery-plugin", "xfce4-dict",
        "xfce4-netload-plugin", "xfce4-notifyd", "xfce4-pulseaudio-plugin", "xfce4-taskmanager",
        "xfce4-wavelan-plugin", "xfce4-xkb-plugin", "xfdesktop4-data", "xfwm4",
        # MATE
        "marco-common", "mate-desktop-common", "mate-panel-common", "mate-power-manager-common",
        "mate-settings-daemon-common", "mate-utils-common",
        # system services
        "accountsservice", "packagekit", "pulseaudio", "pavucontrol", "udisks2",
    ],
}
TEXT_NAMES = ("first", "second", "third")
# the texts izde's Kazakh analyser may be tuned on; "third" is the held-out check
TUNING_TEXTS = ("first", "second")

# An entry gathers consecutive strings of one catalogue until it has this many words.
ENTRY_WORDS = 30

# ---------------------------------------------------------------------------
# Normalisation and tokens

_STRESS = dict.fromkeys([0x0300, 0x0301], None)
_TOKEN = re.compile(r"[^\W\d_]+")
_CYR = re.compile(r"[\u0400-\u04ff]")


def norm(s):
    """NFKC, lower case, ё -> е, stress marks dropped."""
    s = unicodedata.normalize("NFKC", s).lower().replace("ё", "е")
    return s.translate(_STRESS)


# Latin letters typed inside a Cyrillic word (a Latin i for і is common in Kazakh UI text)
_LOOKALIKE = str.maketrans("iaeopcxyhk", "іаеорсхуһк")
_LATIN = re.compile(r"[a-z]")


def tokens(text):
    """Word tokens of a text, normalised: runs of letters (a hyphen or an apostrophe splits,
    as izde indexes the parts of a hyphenated word as words). Only tokens with a Cyrillic
    letter are Kazakh words for this evaluation; Latin look-alike letters inside such a token
    are read as the Cyrillic ones (нөмiрi -> нөмірі)."""
    out = []
    for t in _TOKEN.findall(norm(text)):
        if _CYR.search(t):
            lat = _LATIN.findall(t)
            if lat and all(c in "iaeopcxyhk" for c in lat) and len(_CYR.findall(t)) >= 2:
                t = t.translate(_LOOKALIKE)
            out.append(t)
    return out


# ---------------------------------------------------------------------------
# Cleaning a translated UI string into running text

_MARKUP = re.compile(r"<[^<>]{0,200}>")
_ENTITY = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&nbsp;": " "}
_FORMAT = re.compile(
    r"%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?(?:hh|h|ll|l|L|q|j|z|t|I64|I32)?[diouxXeEfFgGcsSpn@]"  # printf
    r"|%\([A-Za-z_]+\)[sd]"        # python
    r"|%[A-Z][A-Z0-9_]*%?"         # %PRODUCTNAME, %FILENAME%
    r"|%\d+"                       # Qt/KDE %1
    r"|\$\([A-Za-z0-9_]+\)"        # $(ARG1)
    r"|\$[A-Za-z_][A-Za-z0-9_]*"   # $name
    r"|#\d+"                       # Mozilla #1
    r"|\{\{?[^{}]*\}?\}"           # {name}, {{name}}
)


def clean(s):
    s = s.replace("\r", " ")
    s = _MARKUP.sub(" ", s)
    for k, v in _ENTITY.items():
        s = s.replace(k, v)
    s = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), s)
    s = _FORMAT.sub(" ", s)
    s = re.sub(r"\\[nt]", " ", s)
    # accelerators: _ or & or ~ before a letter (GTK, Qt/KDE, LibreOffice)
    s = re.sub(r"[_&~](?=\w)", "", s)
    s = re.sub(r"\(\s*[_&~]?\w\s*\)", " ", s)  # "(_F)" style accelerators
    s = re.sub(r"\s+", " ", s).strip()
    return s


def kazakh_enough(s):
    """A string worth keeping: at least one Cyrillic word, more Cyrillic letters than Latin."""
    cyr = len(_CYR.findall(s))
    lat = len(re.findall(r"[A-Za-z]", s))
    return cyr >= 3 and cyr > lat


# ---------------------------------------------------------------------------
# Readers

def read_mo(data):
    """msgid -> msgstr pairs of a GNU .mo catalogue, in file order (sorted by msgid).
    Every plural form of a msgstr is kept; the header and untranslated strings are not."""
    if len(data) < 28:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic == 0x950412DE else ">"
    _, n, off_o, off_t = struct.unpack(end + "4I", data[4:20])
    out = []
    for i in range(n):
        lo, oo = struct.unpack(end + "2I", data[off_o + 8 * i: off_o + 8 * i + 8])
        lt, ot = struct.unpack(end + "2I", data[off_t + 8 * i: off_t + 8 * i + 8])
        msgid = data[oo:oo + lo].decode("utf-8", "replace")
        msgstr = data[ot:ot + lt].decode("utf-8", "replace")
        if not msgid or not msgstr:
            continue
        ids = msgid.split("\x04")[-1]
        if ids.split("\0")[0] in ("Your names", "Your emails", "NAME OF TRANSLATORS",
                                  "EMAIL OF TRANSLATORS", "translator-credits"):
            continue
        for form in msgstr.split("\0"):
            if form and form != ids.split("\0")[0]:
                out.append(form)
    return out


_FTL_SKIP_ATTR = {"accesskey", "key", "commandkey", "style", "width", "height", "keycode",
                  "modifiers", "size"}


def _ftl_value(v):
    """Text of a Fluent pattern: placeables dropped, a select expression gives its default
    variant, brand terms become the brand."""
    out, i = [], 0
    while i < len(v):
        c = v[i]
        if c != "{":
            out.append(c)
            i += 1
            continue
        depth, j = 1, i + 1
        while j < len(v) and depth:
            depth += {"{": 1, "}": -1}.get(v[j], 0)
            j += 1
        inner = v[i + 1:j - 1]
        if "->" in inner:
            m = re.search(r"\*\[[^\]]*\]\s*(.*?)(?=\n\s*\[|\n\s*\*\[|$)", inner, re.S)
            if m:
                out.append(" " + _ftl_value(m.group(1)) + " ")
        elif re.match(r"\s*-brand|\s*-vendor", inner):
            out.append(" Mozilla ")
        elif re.match(r'\s*"', inner):
            out.append(inner.strip().strip('"'))
        else:
            out.append(" ")
        i = j
    return "".join(out)


def read_ftl(text):
    msgs, cur = [], None  # cur: [attrname or None, list of lines]
    def flush():
        if cur is not None and cur[0] not in _FTL_SKIP_ATTR:
            msgs.append(_ftl_value("\n".join(cur[1])))
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            if not line.strip() and cur is not None:
                cur[1].append("")
            continue
        m = re.match(r"^-?[A-Za-z][\w-]*\s*=\s?(.*)$", line)
        if m and not line[0].isspace():
            flush()
            cur = [None, [m.group(1)]]
            continue
        m = re.match(r"^\s+\.([\w-]+)\s*=\s?(.*)$", line)
        if m:
            flush()
            cur = [m.group(1), [m.group(2)]]
            continue
        if cur is not None:
            cur[1].append(line.strip())
    flush()
    return msgs


def read_properties(text):
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#!" or "=" not in line:
            continue
        key, val = line.split("=", 1)
        if key.strip().endswith(("accesskey", "commandkey", ".key", "keybinding")):
            continue
        val = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), val)
        for form in val.split(";"):  # plural forms
            out.append(form.strip())
    return out


def read_dtd(text):
    out = []
    for m in re.finditer(r'<!ENTITY\s+([\w.-]+)\s+(["\'])(.*?)\2\s*>', text, re.S):
        if m.group(1).endswith(("accesskey", "commandkey", ".key", "width", "height", "style")):
            continue
        out.append(m.group(3))
    return out


def package_sources(deb):
    """(domain, [strings]) of one .deb: its Kazakh catalogues and language pack files."""
    p = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE, check=True)
    out = []
    with tarfile.open(fileobj=io.BytesIO(p.stdout)) as tar:
        for m in tar.getmembers():
            if not m.isfile():
                continue
            name = m.name
            if name.endswith(".mo") and ("/kk/" in name or "/kk_KZ/" in name):
                dom = os.path.basename(name)[:-3]
                out.append((dom, read_mo(tar.extractfile(m).read())))
            elif name.endswith(".xpi") and "langpack-kk" in name:
                z = zipfile.ZipFile(io.BytesIO(tar.extractfile(m).read()))
                for zn in sorted(z.namelist()):
                    if "/kk/" not in zn:
                        continue
                    dom = zn.split("/kk/", 1)[-1]
                    if zn.endswith(".ftl"):
                        out.append((dom, read_ftl(z.read(zn).decode("utf-8", "replace"))))
                    elif zn.endswith(".properties"):
                        out.append((dom, read_properties(z.read(zn).decode("utf-8", "replace"))))
                    elif zn.endswith(".dtd"):
                        out.append((dom, read_dtd(z.read(zn).decode("utf-8", "replace"))))
    out.sort(key=lambda x: x[0])
    return out


def entries_of_text(text, debs):
    """JSONL entries of one text from its packages [(pkg, version, deb path)] in list order.
    Strings are cleaned, kept when Kazakh enough and not seen before in this text, and
    gathered in catalogue order into entries of about ENTRY_WORDS words."""
    seen, entries = set(), []
    for pkg, _ver, deb in debs:
        for dom, strings in package_sources(deb):
            dom_id = re.sub(r"[^A-Za-z0-9]+", "-", dom).strip("-")
            buf, nwords, n = [], 0, 0
            def emit():
                nonlocal buf, nwords, n
                if buf:
                    n += 1
                    entries.append({"id": "kk-%s-%s-%s-%d" % (text, pkg, dom_id, n),
                                    "date": DATE, "lang": "kk",
                                    "body": "\n".join(buf), "source": pkg})
                buf, nwords = [], 0
            for s in strings:
                s = clean(s)
                if not kazakh_enough(s):
                    continue
                key = norm(s)
                if key in seen:
                    continue
                seen.add(key)
                buf.append(s)
                nwords += len(s.split())
                if nwords >= ENTRY_WORDS:
                    emit()
            emit()
    return entries


# ---------------------------------------------------------------------------
# Packages: download (cached) and the record of versions

def candidate_version(pkg):
    p = subprocess.run(["apt-cache", "policy", pkg], stdout=subprocess.PIPE,
                       universal_newlines=True)
    m = re.search(r"Candidate:\s*(\S+)", p.stdout)
    return m.group(1) if m and m.group(1) != "(none)" else None


def fetch_debs(pkgs, cache, pinned=None, log=sys.stderr):
    """[(pkg, version, path)]. A pinned version (packages.tsv) is used when the archive still
    has it; otherwise the candidate version, with a warning."""
    debdir = os.path.join(cache, "debs")
    os.makedirs(debdir, exist_ok=True)
    out = []
    for pkg in pkgs:
        have = sorted(f for f in os.listdir(debdir) if f.startswith(pkg + "_") and f.endswith(".deb"))
        want = (pinned or {}).get(pkg)
        path = None
        if want:
            q = want.replace(":", "%3a")
            for f in have:
                if f.split("_")[1] == q:
                    path = os.path.join(debdir, f)
        if path is None:
            for spec in ([pkg + "=" + want] if want else []) + [pkg]:
                r = subprocess.run(["apt-get", "download", spec], cwd=debdir,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   universal_newlines=True)
                if r.returncode == 0:
                    break
            have = sorted(f for f in os.listdir(debdir) if f.startswith(pkg + "_") and f.endswith(".deb"))
            if not have:
                raise RuntimeError("apt-get download %s failed: %s" % (pkg, r.stderr.strip()))
            path = os.path.join(debdir, have[-1])
            if want and os.path.basename(path).split("_")[1] != want.replace(":", "%3a"):
                print("kazakh corpus: %s %s is not in the archive any more; using %s "
                      "(tokens new to it have no committed analysis)"
                      % (pkg, want, os.path.basename(path)), file=log)
        ver = os.path.basename(path).split("_")[1].replace("%3a", ":")
        out.append((pkg, ver, path))
    return out


def read_pinned(path=os.path.join(HERE, "packages.tsv")):
    pinned = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            pinned[cols[1]] = cols[2]
    return pinned


def corpus_path(cache, text):
    return os.path.join(cache, "corpus", text + ".jsonl")


def load_corpus(cache, text):
    with open(corpus_path(cache, text), encoding="utf-8") as f:
        return [json.loads(l) for l in f]


# ---------------------------------------------------------------------------
# Apertium-kaz analyses

ANALYSES = os.path.join(HERE, "analyses.tsv.xz")


def load_analyses(path=ANALYSES):
    """token -> list of analyses (strings like 'сурет<n><pl><px3sp><acc>'); an unknown token
    maps to []."""
    out = {}
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            out[cols[0]] = [a.split("=", 1)[1] if a.startswith("≈") else a
                            for a in cols[1:] if a and not a.startswith("*")]
    return out


_PART = re.compile(r"^([^<]*)((?:<[^>]+>)*)$")


def split_analysis(a):
    """'жаз<v><tv><pass><ifi><p3><sg>+е<cop>...' -> [(lemma, [tags]), ...] one per '+' part."""
    parts = []
    for p in a.split("+"):
        m = _PART.match(p)
        if not m:
            return []
        parts.append((m.group(1), re.findall(r"<([^>]+)>", m.group(2))))
    return parts


# --- the tag mapping (see README.md "Form or not a form") ---------------------------------

NOUN_CASES = {"nom", "gen", "dat", "acc", "abl", "loc", "ins"}
POSSESSIVES = {"px1sg", "px2sg", "px3sp", "px1pl", "px2pl", "px3pl"}
NOUN_INFL = NOUN_CASES | POSSESSIVES | {"pl", "sg", "attr", "subst", "p1", "p2", "p3", "frm"}
# verb tags that keep the word a form of the verb
VERB_FORM_TAGS = {
    "tv", "iv", "pass", "neg",
    "imp", "opt", "evid", "pres", "aor", "past", "ifi", "ifi_evid", "fut", "fut_plan", "pih",
    "prc_perf", "prc_impf", "prc_vol", "prc_cond", "prc_fplan", "prc_plan",
    "gna_perf", "gna_impf", "gna_cond", "gna_until", "gna_after",
    "gpr_past", "gpr_impf", "gpr_fut",
    "ger", "ger_past", "ger_fut", "ger_impf", "ger_obs", "ger2",
    "p1", "p2", "p3", "sg", "pl", "frm",
    "attr", "subst", "advl",
} | NOUN_CASES | POSSESSIVES
# verb tags that make a new word: causative, cooperative; the -ушы agent (gpr_pot) and
# the -лық nouns/adjectives (ger_abs -ушылық, ger_perf -ғандық, ger_ppot/gpr_ppot -арлық,
# abs -тындық); anything not listed in VERB_FORM_TAGS is also taken as not a form.
VERB_NOT_FORM_TAGS = {"caus", "coop", "gpr_pot", "ger_abs", "ger_perf", "ger_ppot",
                      "gpr_ppot", "abs"}
# clitics after '+' that keep a form a form: the copula (predicative persons, еді, екен),
# the question particle and the assertive ғой/қой
FORM_CLITICS = {"cop", "qst", "mod_ass"}


def _noun_main_ok(tags):
    """Tags after <n> of a noun form: number, possessive, case, the locative -дағы attributive
    (loc + attr, or loc + subst + its number/possessive/case), predicative persons.
    Order is checked: stem, number, possessive, case."""
    rank = {"pl": 0, **{p: 1 for p in POSSESSIVES}, **{c: 2 for c in NOUN_CASES}}
    i, last = 0, -1
    while i < len(tags):
        t = tags[i]
        if t == "frm" and i > 0 and tags[i - 1] in ("px2sg", "px2pl"):
            i += 1  # polite 2nd person possessive: -ңыз/-ңіз
            continue
        if t == "attr":
            # nominative used attributively; or -дағы after a locative
            if i != len(tags) - 1:
                return False
            return True
        if t == "subst":
            # only -дағы (loc) substantivised: its own number/possessive/case follow
            if i == 0 or tags[i - 1] != "loc":
                return False
            return _noun_main_ok(tags[i + 1:])
        if t in ("p1", "p2", "p3", "sg", "pl", "frm") and last >= 2:
            i += 1  # predicative person after a case
            continue
        if t not in rank:
            return False
        if rank[t] < last or (rank[t] == last and t != "pl"):
            return False
        last = rank[t]
        i += 1
    return True


def is_form(analysis, lemma, pos):
    """Is this analysis a form of (lemma, pos), pos 'n' or 'v', by KAZAKH.md's definition?"""
    parts = split_analysis(analysis)
    if not parts:
        return False
    lem, tags = parts[0]
    tags = [t for t in tags if t != "err_orth"]  # a reading of a variant spelling
    if lem != lemma or not tags or tags[0] != pos:
        return False
    rest = tags[1:]
    if pos == "n":
        if not _noun_main_ok(rest):
            return False
    else:
        if any(t in VERB_NOT_FORM_TAGS or t not in VERB_FORM_TAGS for t in rest):
            return False
    prev_tags = tags
    for _clem, ctags in parts[1:]:
        if not ctags:
            return False
        if ctags[0] == "emph":
            # -шы/-ші after an imperative ("жазшы") is a form of the verb; elsewhere it is
            # how apertium reads the -шы/-ушы agent nouns, which are not forms
            if not (pos == "v" and "imp" in prev_tags):
                return False
        elif ctags[0] not in FORM_CLITICS:
            return False
        prev_tags = ctags
    return True


def lemma_readings(analyses):
    """Distinct (lemma, first tag) of the analyses' first parts."""
    out = set()
    for a in analyses:
        parts = split_analysis(a)
        if parts and parts[0][1]:
            out.add((parts[0][0], parts[0][1][0]))
    return out


# ---------------------------------------------------------------------------
# Queries and judgments

def load_queries(text):
    """[{word, pos, lemma, how}] of queries-<text>.tsv."""
    out = []
    with open(os.path.join(HERE, "queries-%s.tsv" % text), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            word, pos, lemma, how = (line.rstrip("\n").split("\t") + [""])[:4]
            out.append({"word": word, "pos": pos, "lemma": lemma, "how": how})
    return out


def _is_privative(a, lemma):
    parts = split_analysis(a)
    return bool(parts) and parts[0][0] == lemma and any(
        t and t[0] == "post" and l in ("сыз", "сіз") for l, t in parts[1:])


def _main_case(a):
    tags = split_analysis(a)[0][1]
    cases = [t for t in tags if t in NOUN_CASES]
    return cases[-1] if cases else None


def _predicative_p2_formal(a):
    return any(t and t[0] == "cop" and "p2" in t and "frm" in t for _l, t in split_analysis(a)[1:])


class Judge:
    """Relevance of the entries of one text by apertium-kaz's analyses of their tokens."""

    def __init__(self, entries, analyses):
        self.entry_tokens = {}          # id -> set of tokens
        self.token_entries = {}         # token -> set of ids
        for e in entries:
            toks = set(tokens((e.get("title") or "") + " " + e["body"]))
            self.entry_tokens[e["id"]] = toks
            for t in toks:
                self.token_entries.setdefault(t, set()).add(e["id"])
        self.analyses = analyses
        self.by_lemma = {}              # (lemma, pos) -> {token: [analyses with it]}
        self.unknown = set()
        for t in self.token_entries:
            ans = analyses.get(t)
            if not ans:
                self.unknown.add(t)
                continue
            for a in ans:
                parts = split_analysis(a)
                if parts and parts[0][1]:
                    key = (parts[0][0], parts[0][1][0])
                    self.by_lemma.setdefault(key, {}).setdefault(t, []).append(a)

    def _lexicalised_nonfinite(self, noun, verb):
        """Is this noun lemma itself a non-finite form of the verb that apertium also lists as
        a noun (қосылу, келген, алып)? Imperatives and the bare -ғы/-гі volitional do not count
        (жазба, хабарлама, сүзгі are derived nouns)."""
        for b in self.analyses.get(noun, []):
            if is_form(b, verb, "v"):
                tags = split_analysis(b)[0][1]
                if "imp" not in tags and "prc_vol" not in tags:
                    return True
        return False

    def token_form(self, tok, lemma, pos, word):
        """(True, the analysis that makes tok a form of the word) or (False, why not)."""
        ans = self.analyses.get(tok, [])
        forms = [a for a in ans if is_form(a, lemma, pos)]
        if not forms:
            same = [a for a in ans if split_analysis(a)[:1] and split_analysis(a)[0][0] == lemma]
            return False, "derivation: " + (same[0] if same else "?")
        if pos == "v":
            # apertium also reads reduced colloquial -ып forms (топ as тол<v><iv><prc_perf> for
            # толып): a -п converb/evidential reading needs the verb's stem in the token
            # (allowing the п/к/қ -> у/б/г/ғ and ы/і+й -> и stem edges)
            stem_ok = tok.startswith(lemma) or (len(tok) >= len(lemma) and
                                                tok.startswith(lemma[:-1]) and
                                                tok[len(lemma) - 1] in "убгғи")
            forms = [a for a in forms if stem_ok or not any(
                t in ("prc_perf", "gna_perf", "evid") for t in split_analysis(a)[0][1])]
            if not forms:
                return False, "a colloquial reduced -ып reading"
        if pos == "n":
            # -сыз/-сіз straight after the nominative is the privative (мәтінсіз "without
            # text", элементінсіз), not the predicative "you are"; after a case it is the
            # predicative (режиміндесіз "you are in the mode")
            forms = [a for a in forms if not (_predicative_p2_formal(a) and
                                              _main_case(a) in (None, "nom"))]
            if not forms:
                return False, "privative -сыз/-сіз, not the predicative 'you are'"
            # <attr> right after the stem is the nominative used attributively only when
            # the word is unchanged; apertium also tags -ғы/-гі so (астыңғы, артқы)
            forms = [a for a in forms if tok == lemma or
                     split_analysis(a)[0][1][1:] not in (["attr"], ["attr", "err_orth"])]
            if not forms:
                return False, "-ғы/-гі without a locative"
        elif any(_is_privative(a, lemma) for a in ans):
            forms = [a for a in forms if not any(
                "p2" in t and "frm" in t for _l, t in split_analysis(a))]
            if not forms:
                return False, "privative -сыз/-сіз, not the polite 2nd person"
        if pos == "v":
            # a token that is also a function word of its own (adverb, postposition,
            # conjunction, pronoun, modal: қайта "again", сен "you", де "also", шығар
            # "probably", қарамастан "despite") is that word, and a token that is also an
            # uninflected noun or adjective (бас "head", қос "double", қара "black",
            # сілтеме "link") is not an imperative of басу, қосу, қарау, сілтеу — unless
            # the verb reading is personal (1st or polite 2nd person)
            drop_all, own = False, None
            for a in ans:
                parts = split_analysis(a)
                if len(parts) != 1 or not parts[0][1] or parts[0][1][0] in ("v", "vaux"):
                    continue
                lem, tags = parts[0]
                if tags[0] in ("adv", "post", "postadv", "mod", "cnjcoo", "cnjsub", "cnjadv",
                               "ij", "prn", "det") and (lem == tok or len(tags) == 1):
                    drop_all, own = True, a
                elif tags[0] in ("n", "adj") and lem == tok and tags[1:] in ([], ["nom"]):
                    own = own or a
            if own:
                def _ok(f):
                    tg = split_analysis(f)[0][1]
                    if "p1" in tg or ("p2" in tg and "frm" in tg):
                        return True
                    if drop_all:
                        return False
                    return "imp" not in tg   # beside a noun or adjective: not an imperative
                forms = [f for f in forms if _ok(f)]
                if not forms:
                    return False, "a word of its own: " + own
        if pos == "v":
            # the verb reading is kept whatever the nouns say when it is in the 1st person or
            # the polite 2nd (таңдамаңыз "do not choose", алғыңыз келсе "if you want to
            # take", импорттағыңыз): both readings are usual, and an ambiguous token counts
            personal = any("p1" in tg or ("p2" in tg and "frm" in tg)
                           for tg in (split_analysis(f)[0][1] for f in forms))
            for a in ans if not personal else ():
                parts = split_analysis(a)
                if not parts or not parts[0][1] or parts[0][1][0] != "n":
                    continue
                noun = parts[0][0]
                if noun in (lemma, word) or len(noun) < 2 or not is_form(a, noun, "n"):
                    continue
                if lemma.startswith(noun):
                    return False, "a form of the noun the verb is made from: " + a
                # a derivational suffix has two letters or more, or one after a vowel
                # (сана-қ, қатына-с); алд "front" and аст "bottom" are not made from ал-, ас-
                derived = noun.startswith(lemma) and (
                    len(noun) >= len(lemma) + 2 or lemma[-1] in "аеәыіоөұүуэюя")
                if derived and not self._lexicalised_nonfinite(noun, lemma):
                    return False, "a form of a noun derived from the verb: " + a
        return True, forms[0]

    def targets(self, word, lemma, pos):
        """The words a query asks for: its own (lemma, pos), and, when the query word is both
        a noun and the -у/-ю dictionary form of a verb (таңдау "choice" / таңдау "to choose"),
        the other one too: izde gets the same string for both."""
        out = [(lemma, pos)]
        for a in self.analyses.get(word, []):
            parts = split_analysis(a)
            if len(parts) != 1:
                continue
            lem, tags = parts[0]
            if tags[:1] == ["v"] and tags[2:] == ["ger", "nom"] and (lem, "v") not in out:
                out.append((lem, "v"))
            if tags == ["n", "nom"] and lem == word and (lem, "n") not in out:
                out.append((lem, "n"))
        return out

    def judge(self, lemma, pos, word=None):
        """(forms, not_forms, relevant ids): tokens of the text that are forms of the word
        ({token: analysis}), tokens read with the lemma that are not ({token: why}), and the
        entries holding a form. Every target of the query word counts (see targets)."""
        word = word or lemma
        forms, not_forms = {}, {}
        for tl, tp in self.targets(word, lemma, pos):
            for t in self.by_lemma.get((tl, tp), {}):
                if t in forms:
                    continue
                ok, why = self.token_form(t, tl, tp, word)
                if ok:
                    forms[t] = why
                    not_forms.pop(t, None)
                else:
                    not_forms.setdefault(t, why)
        rel = set()
        for t in forms:
            rel |= self.token_entries[t]
        return forms, not_forms, rel
