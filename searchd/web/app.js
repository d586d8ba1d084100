// izde demo page: a search box with suggestions, results, facets and paging over the JSON API.
// No framework and no build step. Text from the server goes in through textContent; only the
// title_html and snippet fields are inserted as HTML, because the server HTML-escapes them and
// adds nothing but <mark> elements.
"use strict";

(function () {
  const PER_PAGE = 10;
  const LANGS = { en: "English", kk: "Қазақша", ru: "Русский" };
  const $ = (id) => document.getElementById(id);
  const form = $("search-form");
  const input = $("q");
  const list = $("suggestions");

  // What is being searched: mirrored in the address bar so a search can be linked.
  let state = emptyState();
  let searchSeq = 0;

  // Facet counts cover every match, which costs far more than a page of results, so the API
  // counts them only when asked (facets=1). They depend on the query and the filters, not on
  // the page: the first page asks for them (and for the exact total that comes with them),
  // further pages of the same query and filters reuse them.
  let facetCache = { key: null, facets: null, total: 0 };

  function facetKey(s) {
    return JSON.stringify([s.q, s.lang, s.year, s.tags.slice().sort()]);
  }

  function emptyState() {
    return { q: "", lang: "", year: "", tags: [], sort: "relevance", page: 1 };
  }

  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children || []) node.append(c);
    return node;
  }

  // ---- address bar <-> state ---------------------------------------------------------------

  function stateFromUrl() {
    const p = new URLSearchParams(location.search);
    const s = emptyState();
    s.q = p.get("q") || "";
    s.lang = p.get("lang") || "";
    s.year = (p.get("year") || "").replace(/[^0-9]/g, "").slice(0, 4);
    s.tags = p.getAll("tag").filter(Boolean);
    s.sort = p.get("sort") === "date" ? "date" : "relevance";
    s.page = Math.max(1, parseInt(p.get("page"), 10) || 1);
    return s;
  }

  function pageParams(s) {
    const p = new URLSearchParams();
    p.set("q", s.q);
    if (s.lang) p.set("lang", s.lang);
    if (s.year) p.set("year", s.year);
    for (const t of s.tags) p.append("tag", t);
    if (s.sort !== "relevance") p.set("sort", s.sort);
    if (s.page > 1) p.set("page", String(s.page));
    return p;
  }

  function apiParams(s, withFacets) {
    const p = new URLSearchParams();
    p.set("q", s.q);
    if (s.lang) p.set("lang", s.lang);
    if (s.year) {
      p.set("from", s.year + "-01-01");
      p.set("to", s.year + "-12-31");
    }
    for (const t of s.tags) p.append("tag", t);
    if (s.sort !== "relevance") p.set("sort", s.sort);
    p.set("page", String(s.page));
    p.set("per_page", String(PER_PAGE));
    if (withFacets) p.set("facets", "1");
    return p;
  }

  function syncUrl() {
    const url = state.q ? "/?" + pageParams(state).toString() : "/";
    history.replaceState(null, "", url);
    document.title = state.q ? state.q + " — izde — search" : "izde — search";
  }

  // ---- searching ---------------------------------------------------------------------------

  async function search(focusResults) {
    closeSuggestions();
    syncUrl();
    if (!state.q.trim()) {
      clearResults();
      $("intro").hidden = false;
      setStatus("");
      return;
    }
    $("intro").hidden = true;
    const seq = ++searchSeq;
    const key = facetKey(state);
    const cached = state.page > 1 && facetCache.key === key;
    document.body.classList.add("busy");
    try {
      const resp = await fetch("/search?" + apiParams(state, !cached).toString(), {
        headers: { Accept: "application/json" },
      });
      const body = await resp.json();
      if (seq !== searchSeq) return; // a newer search is on its way
      if (!resp.ok) {
        clearResults();
        setStatus(body && body.error ? body.error.message : "The search failed (" + resp.status + ").", true);
        return;
      }
      if (!cached) {
        facetCache = { key: key, facets: body.facets, total: body.total };
      } else {
        body.facets = facetCache.facets;
        body.total = facetCache.total;
      }
      render(body);
      if (focusResults) $("results").focus({ preventScroll: true });
    } catch (e) {
      if (seq !== searchSeq) return;
      clearResults();
      setStatus("The search service cannot be reached. Please try again.", true);
    } finally {
      if (seq === searchSeq) document.body.classList.remove("busy");
    }
  }

  function setStatus(text, isError) {
    const s = $("status");
    s.textContent = text;
    s.classList.toggle("error", !!isError);
  }

  function clearResults() {
    $("hits").replaceChildren();
    $("filters").replaceChildren();
    $("active").replaceChildren();
    $("pager").replaceChildren();
    $("didyoumean").hidden = true;
    $("empty").hidden = true;
    $("sort").hidden = true;
    $("filters-box").hidden = true;
  }

  function render(r) {
    clearResults();
    const total = r.total || 0;
    const from = r.offset + 1;
    const to = r.offset + r.results.length;
    if (total === 0) setStatus("No results");
    else if (r.results.length === 0) setStatus(total + " results; this page is past the last one");
    else setStatus((total === 1 ? "1 result" : total + " results") +
                   (total > r.results.length ? " · showing " + from + "–" + to : ""));
    renderActive();
    $("sort").hidden = total < 2;
    $("sort-order").value = state.sort;
    renderSuggestion(r.suggestion);
    if (total === 0) renderEmpty();
    const hits = $("hits");
    hits.start = from;
    for (const h of r.results) hits.append(renderHit(h));
    renderFacets(r.facets);
    renderPager(total, r.offset, r.limit);
  }

  function renderHit(h) {
    // only web links from the data; anything else (javascript:, data:) opens the stored entry
    const href = /^https?:\/\//i.test(h.url || "") ? h.url : "/entries/" + encodeURIComponent(h.id);
    const title = el("a", { href: href });
    if (h.title_html) title.innerHTML = h.title_html; // escaped by the server
    else title.textContent = untitled(h);
    const meta = el("p", { class: "meta" });
    if (h.date) meta.append(el("time", { datetime: h.date.slice(0, 10), text: formatDate(h.date) }));
    if (h.lang) meta.append(el("span", { class: "lang", text: LANGS[h.lang] || h.lang, lang: h.lang }));
    if (h.source) meta.append(el("span", { class: "source", text: h.source }));
    if (h.duplicates > 0)
      meta.append(el("span", { class: "dups", text: "+" + h.duplicates + (h.duplicates === 1 ? " copy" : " copies") }));
    const snippet = el("p", { class: "snippet" });
    if (h.snippet) snippet.innerHTML = h.snippet; // escaped by the server, <mark> added
    const tags = el("ul", { class: "tags", "aria-label": "Tags" });
    for (const t of h.tags || []) {
      const on = state.tags.includes(t);
      tags.append(el("li", {}, [el("button", {
        type: "button", class: "tag", "aria-pressed": on ? "true" : "false", text: t,
        title: on ? "Remove the filter " + t : "Only entries tagged " + t,
        onclick: () => toggleTag(t),
      })]));
    }
    return el("li", { class: "hit", lang: h.lang || null }, [el("h2", {}, [title]), meta, snippet, tags]);
  }

  // A heading for an entry without a title: the first words of its snippet.
  function untitled(h) {
    const words = (h.snippet_text || "").replace(/^[\s…]+/, "").split(/\s+/).filter(Boolean);
    if (!words.length) return h.id;
    return words.slice(0, 9).join(" ").replace(/[\s,.;:…]+$/, "") + (words.length > 9 ? " …" : "");
  }

  function formatDate(d) {
    const day = new Date(d.slice(0, 10) + "T00:00:00Z");
    if (isNaN(day)) return d;
    return day.toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
  }

  function renderSuggestion(s) {
    const p = $("didyoumean");
    if (!s) return;
    p.replaceChildren("Did you mean ", el("button", {
      type: "button", class: "link", text: s,
      onclick: () => { input.value = s; run({ q: s }); },
    }), "?");
    p.hidden = false;
  }

  function renderEmpty() {
    const box = $("empty");
    const filtered = state.lang || state.year || state.tags.length;
    box.replaceChildren(
      el("h2", {}, ["Nothing found for ", el("q", { text: state.q })]),
      el("p", { text: "Check the spelling, use fewer or other words" +
        (filtered ? ", or remove the filters." : ".") }));
    if (filtered)
      box.append(el("button", { type: "button", text: "Remove all filters",
        onclick: () => run({ lang: "", year: "", tags: [] }) }));
    box.hidden = false;
  }

  // Active filters as removable chips.
  function renderActive() {
    const box = $("active");
    const chips = [];
    if (state.lang) chips.push(["Language: " + (LANGS[state.lang] || state.lang), { lang: "" }]);
    if (state.year) chips.push(["Year: " + state.year, { year: "" }]);
    for (const t of state.tags) chips.push(["Tag: " + t, { tags: state.tags.filter((x) => x !== t) }]);
    for (const [label, change] of chips)
      box.append(el("button", { type: "button", class: "chip", "aria-label": "Remove filter " + label,
        onclick: () => run(change) }, [label, el("span", { "aria-hidden": "true", text: " ×" })]));
  }

  function renderFacets(facets) {
    const box = $("filters");
    if (!facets) return;
    const groups = [
      ["year", "Year", (v) => v, (v) => state.year === v, (v) => ({ year: state.year === v ? "" : v })],
      ["lang", "Language", (v) => LANGS[v] || v, (v) => state.lang === v, (v) => ({ lang: state.lang === v ? "" : v })],
      ["tag", "Tag", (v) => v, (v) => state.tags.includes(v), (v) => ({ tags: toggled(state.tags, v) })],
    ];
    for (const [key, title, label, active, change] of groups) {
      let values = (facets[key] || []).slice();
      if (!values.length) continue;
      if (key === "year") values.sort((a, b) => b.value.localeCompare(a.value));
      else values.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
      const ul = el("ul", { class: "facet" });
      for (const v of values.slice(0, key === "tag" ? 15 : 30)) {
        const on = active(v.value);
        ul.append(el("li", {}, [el("button", {
          type: "button", class: "facet-value", "aria-pressed": on ? "true" : "false",
          "data-facet": key, "data-value": v.value, lang: key === "lang" ? v.value : null,
          onclick: () => run(change(v.value)),
        }, [el("span", { class: "name", text: label(v.value) }), el("span", { class: "count", text: String(v.count) })])]));
      }
      const id = "facet-" + key;
      box.append(el("section", { class: "facet-group", "aria-labelledby": id }, [el("h2", { id: id, text: title }), ul]));
    }
    $("filters-box").hidden = !box.children.length;
  }

  function toggled(list, v) {
    return list.includes(v) ? list.filter((x) => x !== v) : list.concat([v]);
  }

  function toggleTag(t) {
    run({ tags: toggled(state.tags, t) });
  }

  function renderPager(total, offset, limit) {
    const nav = $("pager");
    const pages = Math.min(Math.ceil(total / limit), 1000);
    if (pages <= 1) return;
    const current = Math.floor(offset / limit) + 1;
    const go = (p) => () => { run({ page: p }); window.scrollTo(0, 0); };
    const items = [];
    items.push(el("button", { type: "button", class: "step", text: "← Previous", disabled: current === 1, onclick: go(current - 1) }));
    let lo = Math.max(1, current - 3), hi = Math.min(pages, lo + 6);
    lo = Math.max(1, hi - 6);
    for (let p = lo; p <= hi; p++)
      items.push(el("button", { type: "button", class: "num", text: String(p), "aria-label": "Page " + p,
        "aria-current": p === current ? "page" : null, onclick: go(p) }));
    items.push(el("button", { type: "button", class: "step", text: "Next →", disabled: current === pages, onclick: go(current + 1) }));
    nav.replaceChildren(...items);
  }

  // A change of the query, filters, sort or page; any change but the page's starts at page 1.
  function run(change) {
    state = Object.assign({}, state, change);
    if (!("page" in change)) state.page = 1;
    search(false);
  }

  // ---- suggestions as you type ---------------------------------------------------------------

  let suggestTimer = 0;
  let suggestAbort = null;
  let active = -1;

  function options() {
    return Array.from(list.querySelectorAll('[role="option"]'));
  }

  function closeSuggestions() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function showSuggestions(items) {
    list.replaceChildren();
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (!items.length) return closeSuggestions();
    items.forEach((text, i) => {
      list.append(el("li", {
        id: "suggestion-" + i, role: "option", "aria-selected": "false", text: text,
        onmousedown: (e) => { e.preventDefault(); pick(text); }, // before the input loses focus
      }));
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function highlight(i) {
    const opts = options();
    if (!opts.length) return;
    active = (i + opts.length) % opts.length;
    opts.forEach((o, k) => o.setAttribute("aria-selected", k === active ? "true" : "false"));
    input.setAttribute("aria-activedescendant", opts[active].id);
    opts[active].scrollIntoView({ block: "nearest" });
  }

  function pick(text) {
    input.value = text;
    closeSuggestions();
    run({ q: text });
  }

  async function suggest() {
    const text = input.value;
    if (suggestAbort) suggestAbort.abort();
    if (!text.trim() || /\s$/.test(text)) return closeSuggestions();
    suggestAbort = new AbortController();
    try {
      const resp = await fetch("/suggest?q=" + encodeURIComponent(text), { signal: suggestAbort.signal });
      if (!resp.ok) return closeSuggestions();
      const body = await resp.json();
      if (input.value !== text || document.activeElement !== input) return;
      showSuggestions((body.suggestions || []).filter((s) => s !== text));
    } catch (e) {
      // aborted by newer typing, or offline: no suggestions
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(suggest, 150);
  });

  input.addEventListener("keydown", (e) => {
    const open = !list.hidden;
    if (e.key === "ArrowDown" && open) { e.preventDefault(); highlight(active + 1); }
    else if (e.key === "ArrowUp" && open) { e.preventDefault(); highlight(active - 1); }
    else if (e.key === "Escape" && open) { e.preventDefault(); closeSuggestions(); }
    else if (e.key === "Enter" && open && active >= 0) { e.preventDefault(); pick(options()[active].textContent); }
  });

  input.addEventListener("blur", () => setTimeout(closeSuggestions, 100));

  $("sort-order").addEventListener("change", (e) => run({ sort: e.target.value }));

  // The filters fold away on narrow screens and stay open on wide ones.
  const narrow = window.matchMedia("(max-width: 760px)");
  const fold = () => { $("filters-box").open = !narrow.matches; };
  narrow.addEventListener("change", fold);
  fold();

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(suggestTimer);
    if (suggestAbort) suggestAbort.abort();
    const q = input.value.trim();
    // a new query starts without filters; searching the same query again keeps them
    run(q === state.q ? { q: q } : { q: q, lang: "", year: "", tags: [] });
  });

  // ---- start: run the search the address carries ----------------------------------------------

  state = stateFromUrl();
  input.value = state.q;
  if (state.q) search(false);
  else input.focus();
})();
