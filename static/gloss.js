/* gloss: progressive enhancements. Everything works without this file. */
(function () {
  "use strict";
  var d = document, narrow = matchMedia("(max-width: 69.99em)"), phone = matchMedia("(max-width: 40em)");
  function $$(s, r) { return Array.prototype.slice.call((r || d).querySelectorAll(s)); }
  function byHref(a) { var h = a.getAttribute("href") || ""; return h.charAt(0) === "#" ? d.getElementById(decodeURIComponent(h.slice(1))) : null; }

  /* 1. Notes: open in place on narrow screens, highlight in the margin on wide ones. */
  var refs = $$('a[role="doc-noteref"]');
  function setOpen(a, note, open) {
    note.classList.toggle("is-open", open);
    a.setAttribute("aria-expanded", open ? "true" : "false");
  }
  function syncRefs() {
    refs.forEach(function (a) {
      var n = byHref(a);
      if (!n) return;
      if (narrow.matches) a.setAttribute("aria-expanded", n.classList.contains("is-open") ? "true" : "false");
      else a.removeAttribute("aria-expanded");
    });
  }
  refs.forEach(function (a) {
    a.addEventListener("click", function (e) {
      var n = byHref(a);
      if (!n) return;
      e.preventDefault();
      if (narrow.matches) { setOpen(a, n, !n.classList.contains("is-open")); return; }
      n.classList.add("is-current");
      setTimeout(function () { n.classList.remove("is-current"); }, 2000);
    });
  });
  $$('.sidenote a[role="doc-backlink"]').forEach(function (b) {
    b.addEventListener("click", function (e) {
      var n = b.closest(".sidenote"), a = byHref(b);
      if (!n || !a || !n.classList.contains("is-open")) return;
      e.preventDefault(); setOpen(a, n, false); a.focus();
    });
  });
  if (narrow.addEventListener) narrow.addEventListener("change", syncRefs);
  syncRefs();

  /* 2. Hover and focus cards for glossary mentions and quote speakers. */
  var card = d.createElement("div"), owner = null, prevDesc = null, hideTimer = 0;
  card.className = "gloss-card"; card.id = "gloss-card"; card.setAttribute("role", "tooltip"); card.hidden = true;
  function el(tag, cls, text) { var e = d.createElement(tag); e.className = cls; e.textContent = text; return e; }
  function entity(id) { return id ? d.getElementById("entity-" + id) : null; }
  function speakerOf(t) {
    var q = t.classList.contains("quote") ? t : byHref(t);
    return q && q.getAttribute("data-speaker");
  }
  function show(t, ent, label) {
    clearTimeout(hideTimer);
    if (owner === t) return;
    hide();
    var ds = ent.dataset;
    card.textContent = "";
    card.appendChild(el("span", "gloss-card-kind", label || (ds.kind === "organisation" ? "Organisation" : "Person")));
    card.appendChild(el("strong", "gloss-card-name", ds.name));
    if (ds.role) card.appendChild(el("p", "gloss-card-role", ds.role));
    if (ds.summary) card.appendChild(el("p", "gloss-card-summary", ds.summary));
    if (ds.url) {
      var l = el("a", "gloss-card-link", "Glossary entry \u2192");
      l.href = ds.url; l.tabIndex = -1; card.appendChild(l);
    }
    card.hidden = false; owner = t;
    if (t.tagName === "A") {
      prevDesc = t.getAttribute("aria-describedby");
      t.setAttribute("aria-describedby", (prevDesc ? prevDesc + " " : "") + card.id);
    }
    place(t);
  }
  function place(t) {
    var rects = t.getClientRects(), r = rects[rects.length - 1], vw = d.documentElement.clientWidth;
    if (!r) return;
    var sx = window.pageXOffset, sy = window.pageYOffset, top = r.bottom + 6, left;
    if (phone.matches) {
      card.style.width = (vw - 16) + "px"; left = 8;
    } else {
      card.style.width = "";
      left = Math.max(8, Math.min(r.left, vw - card.offsetWidth - 8));
      if (top + card.offsetHeight > window.innerHeight && r.top - card.offsetHeight - 6 > 0) top = r.top - card.offsetHeight - 6;
    }
    card.style.left = (left + sx) + "px"; card.style.top = (top + sy) + "px";
  }
  function hide() {
    clearTimeout(hideTimer);
    if (!owner) return;
    if (owner.tagName === "A") {
      if (prevDesc) owner.setAttribute("aria-describedby", prevDesc); else owner.removeAttribute("aria-describedby");
    }
    owner = null; card.hidden = true;
  }
  function later() { clearTimeout(hideTimer); hideTimer = setTimeout(hide, 250); }
  function bind(t, find, label) {
    t.addEventListener("mouseenter", function () { var x = find(t); if (x) show(t, x, label); });
    t.addEventListener("mouseleave", later);
    if (t.tagName === "A") {
      t.addEventListener("focus", function () { var x = find(t); if (x) show(t, x, label); });
      t.addEventListener("blur", function (e) { if (!card.contains(e.relatedTarget)) hide(); });
    }
  }
  var mentions = $$("a.mention[data-entry]"), quoteBits = $$("a.quote-link, .quote[data-speaker]");
  if (mentions.length || quoteBits.length) {
    d.body.appendChild(card);
    card.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    card.addEventListener("mouseleave", later);
    mentions.forEach(function (m) { bind(m, function (t) { return entity(t.getAttribute("data-entry")); }); });
    quoteBits.forEach(function (q) { bind(q, function (t) { return entity(speakerOf(t)); }, "Quoted"); });
    window.addEventListener("resize", hide);
  }

  /* 3. Copy a quote's link. */
  var status = d.createElement("div"), statusTimer = 0;
  status.className = "gloss-status"; status.setAttribute("role", "status"); status.setAttribute("aria-live", "polite");
  d.body.appendChild(status);
  function say(msg) {
    status.textContent = msg; status.classList.add("is-visible");
    clearTimeout(statusTimer);
    statusTimer = setTimeout(function () { status.classList.remove("is-visible"); status.textContent = ""; }, 2500);
  }
  $$("a.quote-link").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (!navigator.clipboard || !window.isSecureContext) return;
      e.preventDefault();
      var url = new URL(a.getAttribute("href"), location.href).href, q = byHref(a);
      navigator.clipboard.writeText(url).then(function () {
        say("Link to the quote copied");
        if (q) { q.classList.add("is-active"); setTimeout(function () { q.classList.remove("is-active"); }, 1500); }
      }, function () { location.href = url; });
    });
  });

  /* 4. Index filters: quotes by speaker, glossary by kind. */
  function tidyGroups(root) {
    $$(".letter-group", root).forEach(function (g) {
      var any = $$("[data-speaker], [data-kind]", g).some(function (x) { return !x.hidden; });
      g.hidden = !any;
      var h = g.querySelector(".letter"), link = h && d.querySelector('.az a[href="#' + h.id + '"]');
      if (link) link.parentNode.hidden = !any;
    });
  }
  $$("[data-filter]").forEach(function (f) {
    var out = f.querySelector(".filter-status");
    f.hidden = false;
    if (f.getAttribute("data-filter") === "speaker") {
      var sel = f.querySelector("select");
      f.addEventListener("submit", function (e) { e.preventDefault(); });
      sel.addEventListener("change", function () {
        var v = sel.value;
        $$(".speaker[data-speaker], .timeline [data-speaker]").forEach(function (x) {
          x.hidden = !!v && x.getAttribute("data-speaker") !== v;
        });
        tidyGroups();
        out.textContent = v ? "Showing " + sel.options[sel.selectedIndex].text : "";
      });
    } else {
      var buttons = $$("button[data-kind]", f);
      buttons.forEach(function (b) {
        b.addEventListener("click", function () {
          var k = b.getAttribute("data-kind"), n = 0;
          buttons.forEach(function (o) { o.setAttribute("aria-pressed", o === b ? "true" : "false"); });
          $$(".entry-item[data-kind]").forEach(function (x) { x.hidden = !!k && x.getAttribute("data-kind") !== k; if (!x.hidden) n++; });
          tidyGroups();
          out.textContent = n + (n === 1 ? " entry" : " entries") + " shown";
        });
      });
    }
  });

  /* Let keyboard users scroll wide code blocks. */
  $$("pre").forEach(function (p) { if (p.scrollWidth > p.clientWidth && !p.hasAttribute("tabindex")) p.tabIndex = 0; });

  d.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    if (owner) { hide(); return; }
    $$(".sidenote.is-open").forEach(function (n) {
      var a = d.querySelector('a[role="doc-noteref"][href="#' + n.id + '"]');
      if (a) { setOpen(a, n, false); if (n.contains(d.activeElement)) a.focus(); }
    });
  });
})();
