// gloss serve: live reload. The preview server injects this into the HTML it
// serves; it is never part of a built site. See src/serve/reload.rs for the
// events it listens to.
(function () {
  "use strict";
  if (!window.EventSource || window.__glossReload) return;
  window.__glossReload = true;

  var OVERLAY_ID = "__gloss-overlay";
  var me = document.currentScript;
  // The build this page came from; a different one on (re)connecting means
  // the page missed an event and is stale.
  var build = (me && me.getAttribute("data-build")) || null;
  var source = new EventSource("/__gloss/events");

  function payload(e) {
    try {
      return JSON.parse(e.data);
    } catch (_) {
      return null;
    }
  }

  source.addEventListener("hello", function (e) {
    var d = payload(e);
    if (!d) return;
    if (build !== null && d.build !== build) {
      location.reload();
      return;
    }
    build = d.build;
  });

  source.addEventListener("reload", function () {
    location.reload();
  });

  source.addEventListener("css", function (e) {
    var d = payload(e);
    if (d) build = d.build;
    hideOverlay();
    swapStylesheets();
  });

  // A lost connection is an "error" event too, without data: EventSource
  // reconnects by itself, so only the server's events are handled here.
  source.addEventListener("error", function (e) {
    if (typeof e.data !== "string") return;
    var d = payload(e);
    if (d) showOverlay(d);
  });

  // The theme's stylesheet names are content-hashed, so the new names are
  // read from the page as the server now serves it; the old links go once
  // the new ones have loaded, so the page never shows unstyled.
  function swapStylesheets() {
    fetch(location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (r) {
        return r.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelectorAll('link[rel~="stylesheet"]');
        var old = Array.prototype.slice.call(
          document.querySelectorAll('link[rel~="stylesheet"]')
        );
        var oldHrefs = old.map(function (l) {
          return l.href;
        });
        var anchor = old.length ? old[old.length - 1] : null;
        var pending = fresh.length;
        function removeOld() {
          old.forEach(function (l) {
            l.remove();
          });
        }
        function settle() {
          pending -= 1;
          if (pending === 0) removeOld();
        }
        if (pending === 0) {
          removeOld();
          return;
        }
        Array.prototype.forEach.call(fresh, function (f) {
          var link = document.importNode(f, true);
          if (oldHrefs.indexOf(link.href) !== -1) {
            // Same name: make the browser fetch it again.
            var url = new URL(link.href);
            url.searchParams.set("__gloss", String(Date.now()));
            link.href = url.href;
          }
          link.addEventListener("load", settle);
          link.addEventListener("error", settle);
          if (anchor && anchor.parentNode) {
            anchor.parentNode.insertBefore(link, anchor.nextSibling);
          } else {
            document.head.appendChild(link);
          }
          anchor = link;
        });
      })
      .catch(function () {
        location.reload();
      });
  }

  function hideOverlay() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  }

  function el(tag, css, text) {
    var node = document.createElement(tag);
    if (css) node.style.cssText = css;
    // textContent, never innerHTML: messages quote the user's text.
    if (text) node.textContent = text;
    return node;
  }

  function showOverlay(d) {
    hideOverlay();
    var box = el(
      "div",
      "position:fixed;top:0;right:0;bottom:0;left:0;z-index:2147483647;" +
        "overflow:auto;margin:0;padding:2rem;box-sizing:border-box;" +
        "background:rgba(24,24,28,.95);color:#eee;text-align:left;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace"
    );
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    var close = el(
      "button",
      "float:right;font:inherit;font-size:20px;background:none;color:inherit;" +
        "border:0;cursor:pointer",
      "\u00d7"
    );
    close.setAttribute("aria-label", "Hide");
    close.addEventListener("click", hideOverlay);
    box.appendChild(close);
    box.appendChild(
      el(
        "div",
        "font-size:18px;font-weight:bold;color:#ff6b6b;margin-bottom:1rem",
        "gloss: the build failed; this is the last good page"
      )
    );
    var list = el("ul", "margin:0 0 1rem;padding-left:1.2rem");
    (d.errors || []).forEach(function (err) {
      var item = el("li", "margin-bottom:.4rem");
      if (err.file) {
        item.appendChild(
          el(
            "span",
            "color:#8ab4f8",
            err.file + ":" + err.line + ":" + err.column + ": "
          )
        );
      }
      item.appendChild(el("span", "", err.message));
      list.appendChild(item);
    });
    box.appendChild(list);
    if (d.report) {
      box.appendChild(
        el("pre", "white-space:pre-wrap;margin:0;color:#ccc", d.report)
      );
    }
    (document.body || document.documentElement).appendChild(box);
  }
})();
