/* gloss: progressive enhancement only; every page reads fully without it. */
(function () {
  "use strict";
  var d = document, W = window, narrow = matchMedia("(max-width: 69.99em)"), phone = matchMedia("(max-width: 40em)");
  function all(s, r) { return [].slice.call((r || d).querySelectorAll(s)); }
  function target(a) { var h = a.getAttribute("href") || ""; return h[0] == "#" ? d.getElementById(decodeURIComponent(h.slice(1))) : null; }
  function on(el, ev, f) { el && el.addEventListener(ev, f); }
  function cls(el, c, yes) { el && el.classList.toggle(c, yes); }

  /* Notes. Narrow screens: a reference opens its note in place. Wide: notes sit beside their anchors. */
  /* A footnote shown at the end, and a second reference to a footnote, are plain links to the note. */
  var notes = all('a[role="doc-noteref"][id]').map(function (r) {
    var n = target(r);
    if (!n || !n.classList.contains("sidenote")) return null;
    /* An anchor crossing a link or emphasis is several pieces: all light together. */
    return n && { r: r, n: n, a: all('.note-anchor[data-note="' + r.textContent.trim() + '"]') };
  }).filter(Boolean);
  function isOpen(x) { return x.n.classList.contains("is-open"); }
  function lit(x, yes) { x.a.forEach(function (p) { cls(p, "is-lit", yes); }); cls(x.n, "is-lit", yes); }
  function open(x, yes) { cls(x.n, "is-open", yes); x.r.setAttribute("aria-expanded", yes); lit(x, yes); }
  function layout() {
    notes.forEach(function (x) {
      x.n.style.top = "";
      narrow.matches ? x.r.setAttribute("aria-expanded", isOpen(x)) : x.r.removeAttribute("aria-expanded");
    });
    if (narrow.matches) return;
    /* Beside the anchor's first line; a note at a reference (a footnote, a [^source]) beside the reference. */
    var low = -1e9, pos = notes.map(function (x) { return [x.n.getBoundingClientRect().top, (x.a.length ? x.a[0] : x.r).getClientRects()[0].top]; });
    notes.forEach(function (x, i) {
      var top = Math.max(Math.min(pos[i][0], pos[i][1]), low);
      x.n.style.top = Math.round(top - pos[i][0]) + "px";
      low = top + x.n.offsetHeight + 12;
    });
  }
  notes.forEach(function (x) {
    on(x.r, "click", function (e) {
      e.preventDefault();
      if (narrow.matches) return open(x, !isOpen(x));
      lit(x, true);
      setTimeout(function () { lit(x, false); }, 1500);
    });
    [x.r, x.n].concat(x.a).forEach(function (el) {
      on(el, "mouseenter", function () { lit(x, true); });
      on(el, "mouseleave", function () { isOpen(x) || lit(x, false); });
    });
    on(x.n.querySelector('[role="doc-backlink"]'), "click", function (e) {
      if (isOpen(x)) { e.preventDefault(); open(x, false); x.r.focus(); }
    });
  });
  if (notes.length) {
    layout();
    d.fonts && d.fonts.ready.then(layout);
    on(W, "load", layout);
    var t0;
    on(W, "resize", function () { clearTimeout(t0); t0 = setTimeout(layout, 120); });
  }

  /* Cards for glossary mentions and quotes, filled from the article's people and organisations box. */
  var card = d.createElement("div"), owner, desc, timer;
  card.className = "gloss-card"; card.id = "gloss-card"; card.setAttribute("role", "tooltip"); card.hidden = true;
  d.body.appendChild(card);
  function add(tag, c, text) { var e = d.createElement(tag); e.className = "gloss-card-" + c; e.textContent = text; return card.appendChild(e); }
  function show(t, ent, label) {
    clearTimeout(timer);
    if (owner == t) return;
    hide();
    /* The card repeats the entity's item in the box: its name (a link to its entry), role and summary. */
    var nm = ent.querySelector(".entity-name"), rs = t.getClientRects(), r = rs[rs.length - 1], vw = d.documentElement.clientWidth, top = r.bottom + 6, left = 8;
    function text(c) { var e = ent.querySelector(".entity-" + c); return e ? e.textContent : ""; }
    card.textContent = "";
    add("span", "kind", label || (ent.getAttribute("data-kind") == "organisation" ? "Organisation" : "Person"));
    add("strong", "name", nm.textContent);
    text("role") && add("p", "role", text("role"));
    text("summary") && add("p", "summary", text("summary"));
    var url = nm.getAttribute("href");
    if (url) { var l = add("a", "link", "Glossary entry \u2192"); l.href = url; l.tabIndex = -1; }
    card.hidden = false; owner = t;
    if (t.tagName == "A") { desc = t.getAttribute("aria-describedby"); t.setAttribute("aria-describedby", (desc ? desc + " " : "") + card.id); }
    /* Below the line being read; on phones, full width under it. */
    card.style.width = phone.matches ? vw - 16 + "px" : "";
    if (!phone.matches) {
      left = Math.max(8, Math.min(r.left, vw - card.offsetWidth - 8));
      if (top + card.offsetHeight > innerHeight && rs[0].top > card.offsetHeight + 6) top = rs[0].top - card.offsetHeight - 6;
    }
    card.style.left = left + scrollX + "px"; card.style.top = top + scrollY + "px";
  }
  function hide() {
    clearTimeout(timer);
    if (!owner) return;
    if (owner.tagName == "A") desc ? owner.setAttribute("aria-describedby", desc) : owner.removeAttribute("aria-describedby");
    owner = null; card.hidden = true;
  }
  function later() { clearTimeout(timer); timer = setTimeout(hide, 250); }
  function bind(t, id, label) {
    var ent = id && d.getElementById("entity-" + id);
    if (!ent) return;
    function go() { show(t, ent, label); }
    on(t, "mouseenter", go); on(t, "mouseleave", later);
    if (t.tagName == "A") { on(t, "focus", go); on(t, "blur", function (e) { card.contains(e.relatedTarget) || hide(); }); }
  }
  on(card, "mouseenter", function () { clearTimeout(timer); });
  on(card, "mouseleave", later);
  on(W, "resize", hide);
  all("a.mention[data-entry]").forEach(function (m) { bind(m, m.getAttribute("data-entry")); });
  all(".quote[data-speaker]").forEach(function (q) { bind(q, q.getAttribute("data-speaker"), "Quoted"); });

  /* Quote links: show the speaker, and copy the quote's address. */
  var status = d.createElement("div"), st;
  status.className = "gloss-status"; status.setAttribute("role", "status");
  d.body.appendChild(status);
  all("a.quote-link").forEach(function (a) {
    var q = target(a);
    q && bind(a, q.getAttribute("data-speaker"), "Quoted");
    on(a, "click", function (e) {
      if (!navigator.clipboard || !W.isSecureContext) return;
      e.preventDefault();
      var url = new URL(a.getAttribute("href"), location.href).href;
      navigator.clipboard.writeText(url).then(function () {
        status.textContent = "Link to the quote copied";
        cls(status, "is-visible", true); cls(q, "is-active", true);
        clearTimeout(st);
        st = setTimeout(function () { status.textContent = ""; cls(status, "is-visible", false); cls(q, "is-active", false); }, 2500);
      }, function () { location.href = url; });
    });
  });

  /* Index filters: quotes by speaker, glossary entries by kind. Hidden without JavaScript. */
  function filter(items, attr, v) {
    var n = 0;
    all(items).forEach(function (x) { x.hidden = !!v && x.getAttribute(attr) != v; n += !x.hidden; });
    all(".letter-group").forEach(function (g) {
      var h = g.querySelector(".letter"), link = h && d.querySelector('.az a[href="#' + h.id + '"]');
      g.hidden = all("[" + attr + "]", g).every(function (x) { return x.hidden; });
      if (link) link.parentNode.hidden = g.hidden;
    });
    return n;
  }
  all("[data-filter]").forEach(function (f) {
    var out = f.querySelector(".filter-status"), sel = f.querySelector("select"), bs = all("button[data-kind]", f);
    f.hidden = false;
    on(f, "submit", function (e) { e.preventDefault(); });
    on(sel, "change", function () {
      filter(".speaker[data-speaker], .timeline [data-speaker]", "data-speaker", sel.value);
      out.textContent = sel.value ? "Showing " + sel.options[sel.selectedIndex].text : "";
    });
    bs.forEach(function (b) {
      on(b, "click", function () {
        bs.forEach(function (o) { o.setAttribute("aria-pressed", o == b); });
        var n = filter(".entry-item[data-kind]", "data-kind", b.getAttribute("data-kind"));
        out.textContent = n + (n == 1 ? " entry" : " entries") + " shown";
      });
    });
  });

  /* Wide code blocks can be scrolled from the keyboard. */
  all("pre").forEach(function (p) { p.scrollWidth > p.clientWidth && !p.hasAttribute("tabindex") && (p.tabIndex = 0); });

  on(d, "keydown", function (e) {
    if (e.key != "Escape") return;
    if (owner) return hide();
    notes.forEach(function (x) {
      if (!isOpen(x)) return;
      var inside = x.n.contains(d.activeElement);
      open(x, false);
      inside && x.r.focus();
    });
  });

  /* Search: Pagefind's index under /pagefind/, queried in the browser. The
     form also works as a plain GET, so /search/?q=word can be linked. */
  var box = d.getElementById("search"), form = d.querySelector(".search-form");
  if (box && form) {
    var input = form.querySelector("input"), pf = null;
    var status = d.createElement("p");
    status.className = "search-status";
    status.setAttribute("role", "status");
    box.before(status);
    var more = d.createElement("button");
    more.type = "button";
    more.className = "search-more";
    more.hidden = true;
    box.after(more);
    /* The index comes in bundles, listed in shards.json: the articles
       oldest first, then the glossary. A query runs on the glossary and the
       newest articles' bundle, and reaches back one older bundle at a time
       while it has fewer results than a page shows, at most REACH bundles
       (then, or when the reader asks for older articles, a click reaches
       back as far again): what a query downloads is bounded by a few
       bundles, not by the archive. Merged bundles are named by absolute
       URL, because Pagefind skips a bundle whose path is a prefix of the
       first one's (/pagefind/ is one of /pagefind/shard-3/). */
    var PAGE = 20, REACH = 3, older = [], since = null, q0 = "", shown = 0;
    var bundle = function (b) { return new URL("/pagefind/" + b.path, location.href).href; };
    var day = function (iso) {
      return new Date(iso + "T12:00:00Z").toLocaleDateString(d.documentElement.lang || undefined, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    };
    var load = function () {
      return Promise.all([
        import("/pagefind/pagefind.js"),
        fetch("/pagefind/shards.json").then(function (r) { return r.ok ? r.json() : []; }, function () { return []; })
      ]).then(function (got) {
        var m = got[0], list = got[1];
        var rest = list.filter(function (b) { return b.holds != "articles"; });
        older = list.filter(function (b) { return b.holds == "articles"; }).reverse();
        var first = older.shift() || rest.shift();
        since = first && first.from;
        return (first ? m.options({ basePath: "/pagefind/" + first.path }) : Promise.resolve())
          .then(function () { return m.init(); })
          .then(function () { return Promise.all(rest.map(function (b) { return m.mergeIndex(bundle(b)); })); })
          .then(function () { return m; });
      });
    };
    /* Search, reaching back until `want` results, `left` more bundles or
       the oldest bundle. */
    var reach = function (m, q, want, left) {
      return m.search(q).then(function (r) {
        if (r.results.length >= want || !older.length || !left) return r;
        var b = older.shift();
        since = b.from;
        return m.mergeIndex(bundle(b)).then(function () { return reach(m, q, want, left - 1); });
      });
    };
    var run = function (q, want) {
      box.textContent = "";
      more.hidden = true;
      if (!q) { status.textContent = ""; return; }
      status.textContent = "Searching…";
      (pf = pf || load())
        .then(function (m) { return reach(m, q, want, REACH); })
        .then(function (r) { return Promise.all(r.results.slice(0, PAGE).map(function (x) { return x.data(); })).then(function (items) { return [r.results.length, items]; }); })
        .then(function (res) {
          var n = res[0], back = older.length && since ? " in articles since " + day(since) : "";
          shown = n;
          status.textContent = n ? n + (n == 1 ? " result" : " results") + " for “" + q + "”" + back : "Nothing found for “" + q + "”" + back;
          var ol = d.createElement("ol");
          ol.className = "search-results";
          res[1].forEach(function (it) {
            var li = d.createElement("li"), a = d.createElement("a"), p = d.createElement("p");
            a.href = it.url;
            a.textContent = (it.meta && it.meta.title) || it.url;
            p.innerHTML = it.excerpt; /* Pagefind escapes the text; only <mark> is markup */
            li.append(a, p);
            ol.append(li);
          });
          box.append(ol);
          if (older.length) {
            more.textContent = "Search older articles (" + day(older[0].to) + " and before)";
            more.hidden = false;
          }
        })
        .catch(function () {
          /* `gloss serve` (whose reload script sets __glossReload) builds no
             search index, to keep every save fast: say how to get one. */
          status.textContent = W.__glossReload
            ? "Search is off under gloss serve, which builds no search index so that rebuilds stay fast. To try it, run `gloss build` and serve its output folder (public/ by default), e.g. with `python3 -m http.server -d public`."
            : "Search is unavailable on this copy of the site.";
        });
    };
    /* Older articles: reach back until at least one more result. */
    on(more, "click", function () { run(q0, shown + 1); });
    /* The index starts loading when the reader goes to the box, so that
       typing hides it (a failure is reported by the query that needs it). */
    on(input, "focus", function () { (pf = pf || load()).catch(function () {}); });
    on(form, "submit", function (e) {
      e.preventDefault();
      history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
      q0 = input.value.trim();
      run(q0, PAGE);
    });
    var asked = new URLSearchParams(location.search).get("q");
    if (asked) { input.value = asked; q0 = asked.trim(); run(q0, PAGE); }
  }
})();
