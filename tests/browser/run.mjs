#!/usr/bin/env node
// Real-browser tests of a built gloss site.
//
//   node tests/browser/run.mjs <output-folder> [--screenshots DIR]
//   node tests/browser/run.mjs <output-folder> --search-shards
//   node tests/browser/run.mjs <folder-of-sites> --selectors-only
//
// With --selectors-only, only the strict-selector check runs: every
// annotations.jsonld under the folder (one site or several, each built
// behind its base path into a subfolder) is matched with Apache Annotator.
//
// With --search-shards, only the search index split in shards is checked:
// the site has three or more article bundles, and an article of the oldest
// and one of the newest are each found by a word of their title on /search/.
// With --common-word W (a word of every article), a query for W fetches
// only the newest bundles that fill a page of results, and "Search older
// articles" reaches back to every article. It prints what each query fetched.
//
// Serves the folder on 127.0.0.1 (an ephemeral port), opens every page type
// (and an article with highlighted code) in Debian's Chromium, driven by
// playwright-core, at 1280 px and 375 px, and checks what a reader gets:
// axe-core finds no violation (and no contrast failure in the dark palette),
// the console stays clean and every request succeeds (the icons each page
// names included), no headline breaks inside a hyphenated word, nothing scrolls
// sideways, note numbers and quote links follow the words they belong to,
// sidenotes sit beside their references on wide screens and open in place on
// phones, notes and footnotes share one numbering and leave no punctuation
// stranded below an opened note, glossary cards open on focus and close on Escape, a quote link lands
// on a highlighted quote. The Nu Html Checker runs once over every HTML file of
// the folder. A full-page screenshot of each page at each width goes to
// target/browser-screenshots/<page>-<width>.png, and one of the viewport for
// each interactive state to <page>-<width>-<state>.png.
//
// Prints a summary with the time each check took and exits 1 on any failure,
// listing every one of them; exits 2 on a usage or set-up error.

import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');

const CHROMIUM = process.env.GLOSS_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];
const WIDTHS = [
  { width: 1280, context: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 } },
  {
    width: 375,
    context: { viewport: { width: 375, height: 812 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
  },
];

// ---------------------------------------------------------------------------
// The pages. One line per page type: `path` is a URL path or a function of
// the output folder that picks one (the richest page of its kind); `checks`
// names the extra checks below; `optional` pages are skipped (and said so)
// when the site does not have them; `status` is the expected HTTP status.
// ---------------------------------------------------------------------------
const PAGES = [
  { name: 'home', path: '/' },
  // `also`: pages of the same kind whose layout depends on their content: the
  // wide-screen note checks run on each of them too (no screenshot or axe).
  { name: 'article', path: (out) => richest(out, 'articles'), also: (out) => everyIn(out, 'articles'), checks: ['references', 'sidenotes', 'glossary-card', 'quote-target'] },
  { name: 'article-code', path: (out) => firstWith(out, 'articles', '<pre class="code') },
  // A note whose anchor crosses a mention (issue 16).
  { name: 'article-nested', path: (out) => firstWith(out, 'articles', /<a class="mention"[^>]*><span class="note-anchor"/), checks: ['one-number'] },
  // A note shown at a reference, not an anchor, that a comma or a full stop
  // follows (the demo's `[^1]` footnote): one numbering, nothing stranded (issue 16).
  { name: 'article-footnote', path: (out) => firstWith(out, 'articles', /<\/sup>[.,;:!?]<span class="sidenote"/), checks: ['numbering'] },
  { name: 'tag', path: (out) => richest(out, 'tags') },
  { name: 'tags', path: '/tags/' },
  { name: 'quotes', path: '/quotes/', checks: ['quote-link'] },
  { name: 'glossary', path: '/glossary/' },
  { name: 'entry', path: (out) => richest(out, 'glossary') },
  { name: 'sources', path: '/sources/' },
  { name: 'about', path: '/about/' },
  { name: 'search', path: '/search/', optional: true, checks: ['search'] },
  { name: '404', path: '/no-such-page/', status: 404, file: '404.html' },
];

// ---------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------
function usage(msg) {
  console.error(`run.mjs: ${msg}\nusage: node tests/browser/run.mjs <output-folder> [--screenshots DIR] [--selectors-only] [--search-shards [--common-word W]]`);
  process.exit(2);
}
const argv = process.argv.slice(2);
let OUT = null;
let SHOTS = path.join(REPO, 'target', 'browser-screenshots');
let SHARDS = false;
let COMMON = null;
let SELECTORS_ONLY = false;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--search-shards') SHARDS = true;
  else if (argv[i] === '--common-word') COMMON = argv[++i] ?? usage('--common-word needs a word');
  else if (argv[i] === '--selectors-only') SELECTORS_ONLY = true;
  else if (argv[i] === '--screenshots') SHOTS = path.resolve(argv[++i] ?? usage('--screenshots needs a folder'));
  else if (argv[i].startsWith('-')) usage(`unknown option ${argv[i]}`);
  else if (OUT === null) OUT = path.resolve(argv[i]);
  else usage('one output folder only');
}
if (!OUT) usage('no output folder given');
/* --selectors-only takes a folder of several sites, each behind its base path. */
if (!SELECTORS_ONLY && !fs.existsSync(path.join(OUT, 'index.html'))) usage(`${OUT} has no index.html: build the site first`);
if (!fs.existsSync(CHROMIUM)) usage(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);

// ---------------------------------------------------------------------------
// Bookkeeping: failures and timings
// ---------------------------------------------------------------------------
const failures = [];
const timings = []; // { check, where, ms, ok }
function fail(where, check, message) {
  failures.push({ where, check, message });
}
async function timed(check, where, fn) {
  const before = failures.length;
  const t0 = performance.now();
  try {
    await fn();
  } catch (e) {
    fail(where, check, `threw: ${e && e.stack ? e.stack.split('\n').slice(0, 4).join('\n    ') : e}`);
  }
  const ms = performance.now() - t0;
  timings.push({ check, where, ms, ok: failures.length === before });
}
const px = (n) => `${Math.round(n * 10) / 10}px`;

// ---------------------------------------------------------------------------
// Picking pages
// ---------------------------------------------------------------------------
/** The URL of the biggest `<dir>/<slug>/index.html`: the page with most to check. */
function richest(out, dir) {
  const base = path.join(out, dir);
  if (!fs.existsSync(base)) return null;
  let best = null;
  for (const slug of fs.readdirSync(base).sort()) {
    const f = path.join(base, slug, 'index.html');
    if (!fs.existsSync(f)) continue;
    const size = fs.statSync(f).size;
    if (!best || size > best.size) best = { slug, size };
  }
  return best && `/${dir}/${best.slug}/`;
}
/** The URL of every `<dir>/<slug>/index.html`. */
function everyIn(out, dir) {
  const base = path.join(out, dir);
  if (!fs.existsSync(base)) return [];
  return fs.readdirSync(base).sort()
    .filter((slug) => fs.existsSync(path.join(base, slug, 'index.html')))
    .map((slug) => `/${dir}/${slug}/`);
}
/** The URL of the first `<dir>/<slug>/index.html` whose HTML contains `needle` (a string or a RegExp). */
function firstWith(out, dir, needle) {
  const base = path.join(out, dir);
  if (!fs.existsSync(base)) return null;
  for (const slug of fs.readdirSync(base).sort()) {
    const f = path.join(base, slug, 'index.html');
    if (!fs.existsSync(f)) continue;
    const html = fs.readFileSync(f, 'utf8');
    if (needle instanceof RegExp ? needle.test(html) : html.includes(needle)) return `/${dir}/${slug}/`;
  }
  return null;
}
function fileOf(urlPath) {
  const p = decodeURIComponent(urlPath.split(/[?#]/)[0]);
  return path.join(OUT, p.endsWith('/') ? p + 'index.html' : p);
}

// ---------------------------------------------------------------------------
// A tiny static server
// ---------------------------------------------------------------------------
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.jsonld': 'application/ld+json',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};
function contentType(file) {
  const base = path.basename(file);
  if (base === 'atom.xml') return 'application/atom+xml';
  return TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}
function serve(root) {
  const server = createServer((req, res) => {
    const send = (status, file, headers = {}) => {
      const body = file ? fs.readFileSync(file) : Buffer.alloc(0);
      res.writeHead(status, {
        'content-type': file ? contentType(file) : 'text/plain',
        'content-length': body.length,
        'cache-control': 'no-store',
        ...headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const notFound = () => {
      const page = path.join(root, '404.html');
      if (fs.existsSync(page)) send(404, page);
      else send(404, null);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, null, { allow: 'GET, HEAD' });
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return send(400, null);
    }
    const file = path.join(root, rel);
    if (file !== root && !file.startsWith(root + path.sep)) return notFound();
    let stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat && stat.isDirectory()) {
      if (!rel.endsWith('/')) return send(301, null, { location: rel + '/' });
      const index = path.join(file, 'index.html');
      stat = fs.statSync(index, { throwIfNoEntry: false });
      return stat && stat.isFile() ? send(200, index) : notFound();
    }
    return stat && stat.isFile() ? send(200, file) : notFound();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// ---------------------------------------------------------------------------
// The Nu Html Checker, over every HTML file at once (started first: it is slow)
// ---------------------------------------------------------------------------
function listHtml(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listHtml(p));
    else if (e.name.endsWith('.html')) out.push(p);
  }
  return out.sort();
}
function runVnu(files) {
  const jar = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
  return new Promise((resolve) => {
    const child = spawn('java', ['-jar', jar, '--errors-only', '--format', 'json', ...files], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => resolve({ error: e }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
async function checkVnu(vnuPromise, count) {
  const r = await vnuPromise;
  const where = `${count} HTML files`;
  if (r.error) return fail(where, 'nu-html-checker', `could not run java: ${r.error.message}`);
  let report;
  try {
    report = JSON.parse(r.stderr || r.stdout);
  } catch {
    return fail(where, 'nu-html-checker', `exit ${r.code}, output not JSON:\n${(r.stderr + r.stdout).slice(0, 2000)}`);
  }
  const errors = report.messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
  for (const m of errors) {
    const file = m.url ? path.relative(OUT, fileURLToPath(m.url)) : '?';
    const at = m.lastLine ? `:${m.lastLine}${m.firstColumn ? `:${m.firstColumn}` : ''}` : '';
    const extract = m.extract ? `\n      ${m.extract.replace(/\s+/g, ' ').trim()}` : '';
    fail(`${file}${at}`, 'nu-html-checker', `${m.message}${extract}`);
  }
  const others = report.messages.filter((m) => m.type !== 'error' && m.subType !== 'fatal' && m.type !== 'info');
  for (const m of others) fail(m.url || where, 'nu-html-checker', `${m.type}: ${m.message}`);
  if (!errors.length && !others.length && r.code !== 0) {
    fail(where, 'nu-html-checker', `exit ${r.code} with no message:\n${r.stderr.slice(0, 2000)}`);
  }
}

// ---------------------------------------------------------------------------
// Checks in the page
// ---------------------------------------------------------------------------
const AXE = require.resolve('axe-core/axe.min.js');

async function checkAxe(page, where, options = {}) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate((options) =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'], ...options }).then((r) =>
      r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary, html: n.html })),
      })),
    ), options);
  for (const v of result) {
    const nodes = v.nodes
      .slice(0, 6)
      .map((n) => `      at ${n.target}\n        ${n.html.slice(0, 160)}\n        ${(n.summary || '').replace(/\n\s*/g, '\n        ')}`)
      .join('\n');
    const more = v.nodes.length > 6 ? `\n      ... and ${v.nodes.length - 6} more` : '';
    fail(where, 'axe', `${v.id} (${v.impact}): ${v.help} [${v.nodes.length} node(s)]\n${nodes}${more}`);
  }
}

// No headline breaks a line inside a short hyphenated word ("COVID-19",
// "el-Sisi", "400-metre"): titles are balanced, and a browser may break after
// any hyphen. The break points move with the width, so each headline is laid
// out again at widths from its own down to a third of it, a step at a time.
async function checkHeadlineHyphens(page, where) {
  const split = await page.evaluate(() => {
    const found = [];
    for (const h of document.querySelectorAll('h1, .teaser-title')) {
      const words = [];
      const walk = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        for (const m of n.data.matchAll(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)+/gu)) {
          if (m[0].length <= 20) words.push({ node: n, start: m.index, end: m.index + m[0].length, text: m[0] });
        }
      }
      if (!words.length) continue;
      const full = h.getBoundingClientRect().width;
      const old = h.style.maxWidth;
      for (let w = full; w >= full / 3; w -= 7) {
        h.style.maxWidth = `${w}px`;
        for (const x of words) {
          const r = document.createRange();
          r.setStart(x.node, x.start);
          r.setEnd(x.node, x.end);
          const tops = new Set([...r.getClientRects()].filter((c) => c.width > 0).map((c) => Math.round(c.top)));
          if (tops.size > 1) found.push(`“${x.text}” in “${h.textContent.trim()}” at ${Math.round(w)}px`);
        }
      }
      h.style.maxWidth = old;
    }
    return [...new Set(found)];
  });
  if (split.length) fail(where, 'headline-hyphens', `a headline breaks inside a hyphenated word:\n${split.slice(0, 5).join('\n')}${split.length > 5 ? `\n… and ${split.length - 5} more` : ''}`);
}

// Every page names an icon, and each icon it names is there: headless
// Chromium never asks for a favicon by itself, so the check asks for it, as
// a desktop browser would on every page load.
async function checkFavicon(page, where) {
  const hrefs = await page.evaluate(() =>
    [...document.querySelectorAll('link[rel~="icon"]')].map((l) => l.href));
  if (!hrefs.length) return fail(where, 'favicon', 'the page names no icon (`<link rel="icon">`)');
  for (const href of hrefs) {
    const r = await page.request.get(href);
    const type = r.headers()['content-type'] || '';
    if (r.status() !== 200) fail(where, 'favicon', `${href} answered ${r.status()}`);
    else if (!type.startsWith('image/')) fail(where, 'favicon', `${href} is served as ${type}, not an image`);
  }
}

async function checkNoHorizontalScroll(page, where) {
  const m = await page.evaluate(() => {
    const de = document.documentElement;
    const wide = [];
    if (de.scrollWidth > de.clientWidth + 1) {
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width && r.right > de.clientWidth + 1 && getComputedStyle(el).position !== 'fixed') {
          // Report the outermost offenders only.
          if (!wide.some((w) => w.el.contains(el))) wide.push({ el, right: r.right });
        }
      }
    }
    return {
      scrollWidth: de.scrollWidth,
      clientWidth: de.clientWidth,
      wide: wide.slice(0, 5).map((w) => `${w.el.tagName.toLowerCase()}${w.el.className ? '.' + String(w.el.className).trim().split(/\s+/).join('.') : ''} right=${Math.round(w.right)}`),
    };
  });
  if (m.scrollWidth > m.clientWidth + 1) {
    fail(where, 'no-horizontal-scroll', `the page is ${m.scrollWidth}px wide in a ${m.clientWidth}px viewport; too wide: ${m.wide.join(', ')}`);
  }
}

/** At 1280: every sidenote beside its reference, right of the text, none overlapping. */
async function checkSidenotesWide(page, where) {
  const notes = await page.evaluate(() => {
    const body = document.querySelector('.article-body') || document.querySelector('main');
    const col = body.getBoundingClientRect();
    // The right edge of the text itself (paragraphs), which may be narrower than the body box.
    let textRight = 0;
    for (const p of body.querySelectorAll(':scope > p, :scope > ul, :scope > ol, :scope > blockquote, :scope > h2, :scope > h3')) {
      textRight = Math.max(textRight, p.getBoundingClientRect().right);
    }
    return [...document.querySelectorAll('.sidenote')].map((sn) => {
      const ref = sn.previousElementSibling;
      const isRef = ref && ref.matches('sup.note-ref');
      const block = sn.parentElement.closest('p, li, blockquote, td, dd, h2, h3, h4, div') || sn.parentElement;
      const cs = getComputedStyle(block);
      let lh = parseFloat(cs.lineHeight);
      if (!Number.isFinite(lh)) lh = 1.6 * parseFloat(cs.fontSize);
      const r = sn.getBoundingClientRect();
      const rr = isRef ? ref.getBoundingClientRect() : null;
      const y = window.scrollY;
      const num = isRef ? ref.textContent.trim() : null;
      const anchor = num && document.querySelector(`.note-anchor[data-note="${CSS.escape(num)}"]`);
      const ar = anchor && anchor.getClientRects()[0];
      return {
        anchorTop: ar ? ar.top + y : null,
        id: sn.id,
        isRef,
        display: getComputedStyle(sn).display,
        top: r.top + y,
        bottom: r.bottom + y,
        left: r.left,
        right: r.right,
        refTop: rr ? rr.top + y : null,
        refRight: rr ? rr.right : null,
        lineHeight: lh,
        colRight: col.right,
        textRight: textRight || col.right,
        vw: document.documentElement.clientWidth,
      };
    });
  });
  if (!notes.length) return fail(where, 'sidenotes', 'the article has no .sidenote: pick a page with notes');
  // A note pushed down by the one above may sit this far below its reference at most.
  const MAX_PUSH_LINES = 8;
  let prev = null;
  for (const n of notes) {
    const w = `${where} #${n.id}`;
    if (!n.isRef) {
      fail(w, 'sidenotes', 'the element before the sidenote is not a sup.note-ref');
      continue;
    }
    if (n.display === 'none' || n.bottom - n.top < 1) {
      fail(w, 'sidenotes', `not shown in the margin (display: ${n.display}, height ${px(n.bottom - n.top)})`);
      continue;
    }
    // Beside its reference, or beside the first line of its anchored words
    // (the theme may align a note with the start of a passage that runs over
    // several lines): within one line-height of either.
    const dy = n.top - n.refTop;
    const da = n.anchorTop === null ? null : n.top - n.anchorTop;
    const near = Math.abs(dy) <= n.lineHeight || (da !== null && Math.abs(da) <= n.lineHeight);
    const pushed = prev && n.top >= prev.bottom - 0.5 && n.top - prev.bottom <= n.lineHeight;
    const from = `its reference's top ${px(n.refTop)} (${px(dy)})` + (da === null ? '' : ` and from its anchored words' first line ${px(n.anchorTop)} (${px(da)})`);
    if (!near) {
      if (!pushed) {
        fail(w, 'sidenotes', `top ${px(n.top)} is too far from ${from}; allowed: one line-height, ${px(n.lineHeight)}` +
          (prev ? ` (the previous note #${prev.id} ends at ${px(prev.bottom)}, so it was not merely pushed down by it)` : ''));
      } else if (n.top < Math.min(n.refTop, n.anchorTop ?? n.refTop) || dy > MAX_PUSH_LINES * n.lineHeight) {
        fail(w, 'sidenotes', `pushed down by #${prev.id} to ${px(n.top)}, ${(dy / n.lineHeight).toFixed(1)} lines from ${from}; allowed: ${MAX_PUSH_LINES} lines below`);
      }
    }
    if (n.left < n.textRight - 0.5 || n.left < n.refRight) {
      fail(w, 'sidenotes', `left edge ${px(n.left)} is not right of the text column (text ends at ${px(n.textRight)}, body box at ${px(n.colRight)}, reference at ${px(n.refRight)})`);
    }
    if (n.right > n.vw + 0.5) {
      fail(w, 'sidenotes', `right edge ${px(n.right)} is outside the ${n.vw}px viewport`);
    }
    if (prev && n.top < prev.bottom - 0.5) {
      fail(w, 'sidenotes', `overlaps #${prev.id}: top ${px(n.top)} < previous bottom ${px(prev.bottom)} (by ${px(prev.bottom - n.top)})`);
    }
    prev = n;
  }
}

/**
 * The note number and the quote's `#` link follow the words they belong to:
 * no reader text between the end of the anchored words and the reference
 * (the documented body markup has them adjacent). Punctuation, and the
 * text of other notes, references and quote links, may come in between.
 */
async function checkReferencesBesideAnchors(page, where) {
  const bad = await page.evaluate(() => {
    const SKIP = '.sidenote, .note-ref, .quote-link, .footnote-reference';
    // Closing punctuation may come between (a number after the full stop).
    const PUNCT = /^[\s\p{P}]*$/u;
    // Reader text strictly between the end of `a` and the start of `b`.
    function textBetween(a, b) {
      const range = document.createRange();
      range.setStartAfter(a);
      range.setEndBefore(b);
      const root = range.commonAncestorContainer.nodeType === 1 ? range.commonAncestorContainer : range.commonAncestorContainer.parentNode;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let out = '';
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!range.intersectsNode(n)) continue;
        if (n.parentElement.closest(SKIP)) continue;
        out += n.data;
      }
      return out;
    }
    const gap = (a, b) => {
      const ra = [...a.getClientRects()].pop();
      const rb = b.getClientRects()[0];
      return ra && rb ? `${Math.round(rb.left - ra.right)}px across, ${Math.round(rb.top - ra.top)}px down` : 'not rendered';
    };
    const short = (t) => { t = t.replace(/\s+/g, ' ').trim(); return t.length > 90 ? t.slice(0, 40) + ' … ' + t.slice(-40) : t; };
    const out = [];
    for (const a of document.querySelectorAll('a[role="doc-noteref"]')) {
      const n = a.textContent.trim();
      const pieces = [...document.querySelectorAll(`.note-anchor[data-note="${CSS.escape(n)}"]`)];
      if (!pieces.length) continue; // a note placed at a point, with no anchored words
      const last = pieces[pieces.length - 1];
      const sup = a.closest('sup') || a;
      if (last.compareDocumentPosition(sup) & Node.DOCUMENT_POSITION_PRECEDING) {
        out.push({ what: `note ${n}`, msg: `the reference comes before its anchored words “${short(last.textContent)}”` });
        continue;
      }
      const between = textBetween(last, sup);
      if (!PUNCT.test(between)) {
        out.push({ what: `note ${n}`, msg: `reference ${n} is not right after its anchored words “${short(pieces.map((p) => p.textContent).join(''))}”: ${between.trim().split(/\s+/).length} word(s) in between: “${short(between)}” (${gap(last, sup)})` });
      }
    }
    for (const link of document.querySelectorAll('a.quote-link[href^="#"]')) {
      const id = decodeURIComponent(link.getAttribute('href').slice(1));
      const first = document.getElementById(id);
      if (!first) { out.push({ what: id, msg: 'the quote link points to no element' }); continue; }
      // A quote crossing formatting is several pieces with nothing between them.
      let last = first;
      for (const q of document.querySelectorAll(`.quote:not([id])[data-speaker="${CSS.escape(first.dataset.speaker || '')}"]`)) {
        if (last.compareDocumentPosition(q) & Node.DOCUMENT_POSITION_FOLLOWING && !textBetween(last, q).trim()) last = q;
      }
      const between = textBetween(last, link);
      if (!PUNCT.test(between)) {
        out.push({ what: id, msg: `the quote's # link is not right after the quote “${short(first.textContent)}”: ${between.trim().split(/\s+/).length} word(s) in between: “${short(between)}” (${gap(last, link)})` });
      }
    }
    return out;
  });
  for (const b of bad) fail(`${where} ${b.what}`, 'references', b.msg);
}

/**
 * Every note shows one number, its reference, at the end of its anchor: an
 * anchor that crosses a link or a mention is cut into pieces, and no piece
 * shows a number of its own (issue 16). On a phone, opening such a note in
 * place leaves no punctuation of its sentence alone below the note.
 */
async function checkOneNumber(page, where, narrow, shot) {
  const r = await page.evaluate(() => {
    const out = { bad: [], crossing: [] };
    const visible = (el) => {
      const cs = getComputedStyle(el);
      const rect = el.getBoundingClientRect();
      return cs.display !== 'none' && cs.visibility !== 'hidden' && rect.width > 0 && rect.height > 0;
    };
    const generated = (el) => ['::before', '::after']
      .map((p) => getComputedStyle(el, p).content)
      .filter((c) => c && c !== 'none' && c !== 'normal' && c !== '""');
    const refs = new Map();
    for (const a of document.querySelectorAll('a[role="doc-noteref"]')) {
      const n = a.textContent.trim();
      if (visible(a)) refs.set(n, (refs.get(n) || 0) + 1);
    }
    const pieces = new Map();
    for (const piece of document.querySelectorAll('.note-anchor')) {
      const n = piece.dataset.note;
      if (!pieces.has(n)) pieces.set(n, []);
      pieces.get(n).push(piece);
      const g = generated(piece);
      if (g.length) out.bad.push(`note ${n}: its anchored words “${piece.textContent}” show ${g.join(' ')} besides its reference`);
    }
    for (const [n, ps] of pieces) {
      const count = refs.get(n) || 0;
      if (count !== 1) out.bad.push(`note ${n}: ${count} visible reference numbers, expected 1`);
      if (ps.some((p) => p.closest('a'))) out.crossing.push(n);
    }
    return out;
  });
  for (const b of r.bad) fail(where, 'one-number', b);
  if (!r.crossing.length) return fail(where, 'one-number', 'no note anchor on the page crosses a link or a mention');
  if (!narrow) {
    // Pointing at the reference lights every piece of the anchor, not the first only.
    for (const n of r.crossing) {
      const ref = page.locator(`a[role="doc-noteref"][href="#sn-${n}"]`);
      await ref.scrollIntoViewIfNeeded();
      await ref.hover();
      await page.waitForTimeout(50);
      const dark = await page.$$eval(`.note-anchor[data-note="${n}"]`, (ps) => ps.filter((p) => !p.classList.contains('is-lit')).map((p) => p.textContent));
      if (dark.length) fail(`${where} note ${n}`, 'one-number', `pointing at the reference leaves pieces of its anchor unlit: ${dark.map((t) => `“${t}”`).join(', ')}`);
      await shot(`note-${n}-lit`);
      await page.mouse.move(0, 0);
    }
    return;
  }
  for (const n of r.crossing) {
    const ref = page.locator(`a[role="doc-noteref"][href="#sn-${n}"]`);
    await ref.scrollIntoViewIfNeeded();
    await ref.click();
    await page.waitForTimeout(50);
    const s = await page.evaluate((n) => {
      const sup = document.querySelector(`a[role="doc-noteref"][href="#sn-${n}"]`).closest('sup');
      const sn = document.getElementById(`sn-${n}`);
      const block = sup.closest('p, li, blockquote, td, dd') || document.body;
      const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        if (!(sup.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
        if (sup.contains(t) || sn.contains(t) || !t.data.trim()) continue;
        const i = t.data.search(/\S/);
        const range = document.createRange();
        range.setStart(t, i);
        range.setEnd(t, i + 1);
        return {
          ch: t.data[i],
          top: range.getBoundingClientRect().top,
          noteTop: sn.getBoundingClientRect().top,
          open: getComputedStyle(sn).display !== 'none',
        };
      }
      return null;
    }, n);
    await shot(`note-${n}-open`);
    if (!s || !s.open) fail(`${where} note ${n}`, 'one-number', 'the note does not open on a tap');
    else if (/\p{P}/u.test(s.ch) && s.top > s.noteTop) {
      fail(`${where} note ${n}`, 'one-number', `the “${s.ch}” after the anchor is left alone below the opened note (${px(s.top)} below its top ${px(s.noteTop)})`);
    }
    await ref.click();
    await page.waitForTimeout(50);
  }
}

/**
 * Issue 16: one numbering. Ordinary footnotes were numbered apart from the
 * notes, so a page showed two different "1"s. The notes' references, in
 * reading order, are 1, 2, 3…; each links to the note of its number, which
 * shows that number; no two notes show one number; and no footnote keeps
 * a numbering of its own. On a phone, every note opened in place keeps the
 * punctuation after its reference on the reference's line.
 */
async function checkNumbering(page, where, narrow, shot) {
  const bad = await page.evaluate(() => {
    const bad = [];
    const body = document.querySelector('.article-body');
    if (body.querySelector('.footnote-reference, sup.footnote-definition-label:not([id^="sn-"] *)')) {
      bad.push('a footnote numbered apart from the notes (.footnote-reference or an unnumbered-note label)');
    }
    const firsts = [...body.querySelectorAll('a[role="doc-noteref"][id]')].map((a) => a.textContent.trim());
    const want = firsts.map((_, i) => String(i + 1));
    if (firsts.join() !== want.join()) bad.push(`the notes' numbers in reading order are ${firsts.join(', ')}, expected ${want.join(', ')}`);
    for (const a of body.querySelectorAll('a[role="doc-noteref"]')) {
      const n = a.textContent.trim();
      if (a.getAttribute('href') !== `#sn-${n}`) bad.push(`reference ${n} links to ${a.getAttribute('href')}`);
      const sn = document.getElementById(`sn-${n}`);
      const label = sn && sn.querySelector('.sidenote-number, .footnote-definition-label');
      if (!label || label.textContent.trim() !== n) bad.push(`note ${n}'s reference leads to a note showing ${label ? `“${label.textContent}”` : 'no number'}`);
    }
    const labels = [...body.querySelectorAll('.sidenote-number, .footnote-definition-label')].map((l) => l.textContent.trim());
    if (new Set(labels).size !== labels.length) bad.push(`two notes show one number: ${labels.join(', ')}`);
    return bad;
  });
  for (const b of bad) fail(where, 'numbering', b);
  if (!narrow) return;
  const ids = await page.$$eval('.article-body a[role="doc-noteref"][id]', (as) => as
    .map((a) => a.getAttribute('href').slice(1))
    .filter((id) => { const sn = document.getElementById(id); return sn && sn.classList.contains('sidenote'); }));
  let followed = 0;
  for (const id of ids) {
    const ref = page.locator(`a[role="doc-noteref"][id][href="#${id}"]`);
    await ref.scrollIntoViewIfNeeded();
    await ref.click();
    await page.waitForTimeout(50);
    const s = await page.evaluate((id) => {
      const sup = document.querySelector(`a[role="doc-noteref"][id][href="#${id}"]`).closest('sup');
      const sn = document.getElementById(id);
      const block = sup.closest('p, li, blockquote, td, dd') || document.body;
      const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        if (!(sup.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
        if (sup.contains(t) || sn.contains(t) || !t.data.trim()) continue;
        const i = t.data.search(/\S/);
        const range = document.createRange();
        range.setStart(t, i);
        range.setEnd(t, i + 1);
        return { ch: t.data[i], top: range.getBoundingClientRect().top, noteTop: sn.getBoundingClientRect().top, open: getComputedStyle(sn).display !== 'none' };
      }
      return { open: getComputedStyle(sn).display !== 'none' };
    }, id);
    if (!s.open) fail(`${where} #${id}`, 'numbering', 'the note does not open on a tap');
    else if (s.ch && /\p{P}/u.test(s.ch)) {
      followed++;
      if (s.top > s.noteTop) {
        await shot(`${id}-stranded`);
        fail(`${where} #${id}`, 'numbering', `the “${s.ch}” after the reference is left alone below the opened note (${px(s.top)} below its top ${px(s.noteTop)})`);
      }
    }
    await ref.click();
    await page.waitForTimeout(50);
  }
  if (!followed) fail(where, 'numbering', 'no note reference on the page is followed by punctuation: nothing was checked');
}

/** Where a note is and whether a reader sees it. */
function noteState(page, id) {
  return page.evaluate((id) => {
    const sn = document.getElementById(id);
    const ref = document.querySelector(`a[role="doc-noteref"][href="#${CSS.escape(id)}"]`);
    const r = sn.getBoundingClientRect();
    const rr = ref.getBoundingClientRect();
    const cs = getComputedStyle(sn);
    const block = sn.parentElement.closest('p, li, blockquote, td, dd, div') || sn.parentElement;
    let lh = parseFloat(getComputedStyle(block).lineHeight);
    if (!Number.isFinite(lh)) lh = 1.6 * parseFloat(getComputedStyle(block).fontSize);
    return {
      visible: cs.display !== 'none' && cs.visibility !== 'hidden' && r.width > 0 && r.height > 0,
      display: cs.display,
      top: r.top, bottom: r.bottom, left: r.left, right: r.right,
      refTop: rr.top, refBottom: rr.bottom,
      lineHeight: lh,
      vw: document.documentElement.clientWidth,
      expanded: ref.getAttribute('aria-expanded'),
      hash: location.hash,
    };
  }, id);
}

/** At 375: notes hidden; a click or Enter on the reference opens it in place; Escape closes it. */
async function checkSidenotesNarrow(page, where, shot) {
  const shown = await page.$$eval('.sidenote', (els) =>
    els.filter((sn) => {
      const r = sn.getBoundingClientRect();
      return getComputedStyle(sn).display !== 'none' && r.width > 0 && r.height > 0;
    }).map((sn) => sn.id));
  if (shown.length) fail(where, 'sidenotes', `shown before any tap (should be hidden on a phone): ${shown.map((s) => '#' + s).join(', ')}`);
  const ids = await page.$$eval('a[role="doc-noteref"]', (as) => as.map((a) => a.getAttribute('href').slice(1)));
  if (!ids.length) return fail(where, 'sidenotes', 'no a[role=doc-noteref] on the page');

  const inPlace = (s, how, id) => {
    const w = `${where} #${id} (${how})`;
    if (!s.visible) return fail(w, 'sidenotes', `does not open (display: ${s.display}, aria-expanded: ${s.expanded})`);
    const gap = s.top - s.refBottom;
    if (gap < -s.lineHeight || gap > 2 * s.lineHeight) {
      fail(w, 'sidenotes', `opens ${px(gap)} below its reference (reference bottom ${px(s.refBottom)}, note top ${px(s.top)}); expected within two lines (${px(2 * s.lineHeight)})`);
    }
    if (s.left < -0.5 || s.right > s.vw + 0.5) {
      fail(w, 'sidenotes', `sticks out of the ${s.vw}px viewport: left ${px(s.left)}, right ${px(s.right)}`);
    }
    if (s.expanded !== 'true') fail(w, 'sidenotes', `the reference's aria-expanded is ${s.expanded} while the note is open`);
  };

  // A click (tap) on the first reference.
  const first = ids[0];
  const a1 = page.locator(`a[role="doc-noteref"][href="#${first}"]`);
  await a1.scrollIntoViewIfNeeded();
  await a1.click();
  await page.waitForTimeout(50);
  inPlace(await noteState(page, first), 'click', first);
  await shot('note-open');
  // A second click closes it.
  await a1.click();
  await page.waitForTimeout(50);
  let s = await noteState(page, first);
  if (s.visible) fail(`${where} #${first}`, 'sidenotes', 'a second tap on the reference does not close the note');

  // The keyboard: focus the reference and press Enter, then Escape.
  const id = ids[1] || first;
  const a2 = page.locator(`a[role="doc-noteref"][href="#${id}"]`);
  await a2.focus();
  await page.keyboard.press('Enter');
  await page.waitForTimeout(50);
  s = await noteState(page, id);
  inPlace(s, 'Enter', id);
  if (s.visible) {
    // The theme's script closes open notes on Escape and returns focus to the reference.
    await page.keyboard.press('Escape');
    await page.waitForTimeout(50);
    s = await noteState(page, id);
    if (s.visible) fail(`${where} #${id}`, 'sidenotes', 'Escape does not close the open note');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('href'));
    if (focused !== `#${id}`) fail(`${where} #${id}`, 'sidenotes', `after Escape the focus is on ${focused}, not the note's reference`);
  }
}

/** Tab to the first mention: a card with the entry's name opens; Escape closes it. */
async function checkGlossaryCard(page, where, names, shot) {
  if (!(await page.$('a.mention'))) return fail(where, 'glossary-card', 'no a.mention on the page');
  // Tab (from wherever an earlier check left the focus) until a mention has
  // it. The pointer is moved out of the way first: a mention that scrolls
  // under it would get a hover card of its own.
  await page.mouse.move(0, 0);
  let mention = null;
  for (let i = 0; i < 300 && !mention; i++) {
    await page.keyboard.press('Tab');
    mention = await page.evaluate(() => {
      const a = document.activeElement;
      return a && a.matches('a.mention') ? { entry: a.dataset.entry, text: a.textContent } : null;
    });
  }
  if (!mention) return fail(where, 'glossary-card', 'Tab never reaches an a.mention (300 presses)');
  const entry = names.get(mention.entry);
  if (!entry) return fail(where, 'glossary-card', `glossary.json has no entry ${mention.entry}`);
  const name = entry.name;
  await page.waitForTimeout(50);
  const card = await page.evaluate(() => {
    const m = document.activeElement;
    const cards = [...document.querySelectorAll('[role="tooltip"], .gloss-card')];
    const shown = cards.find((c) => {
      const r = c.getBoundingClientRect();
      const cs = getComputedStyle(c);
      return !c.hidden && cs.display !== 'none' && cs.visibility !== 'hidden' && r.width > 0 && r.height > 0;
    });
    if (!shown) return { shown: false, count: cards.length };
    const r = shown.getBoundingClientRect();
    return {
      shown: true,
      text: shown.textContent,
      id: shown.id,
      describedby: (m.getAttribute('aria-describedby') || '').split(/\s+/),
      left: r.left, right: r.right, top: r.top, bottom: r.bottom,
      vw: document.documentElement.clientWidth, vh: window.innerHeight,
      mention: m.getBoundingClientRect().bottom,
    };
  });
  const w = `${where} a.mention[data-entry=${mention.entry}] “${mention.text}”`;
  if (!card.shown) return fail(w, 'glossary-card', `no card is visible while the mention has the focus (${card.count} card element(s) in the page)`);
  await shot('card');
  if (!card.text.includes(name)) fail(w, 'glossary-card', `the card does not contain the entry's name “${name}”: “${card.text.trim().slice(0, 200)}”`);
  if (entry.role && !card.text.includes(entry.role)) fail(w, 'glossary-card', `the card does not give the entry's role “${entry.role}”: “${card.text.trim().slice(0, 200)}”`);
  if (entry.summary && !card.text.includes(entry.summary)) fail(w, 'glossary-card', `the card does not give the entry's summary “${entry.summary}”: “${card.text.trim().slice(0, 200)}”`);
  if (card.left < -0.5 || card.right > card.vw + 0.5) fail(w, 'glossary-card', `the card sticks out of the ${card.vw}px viewport: left ${px(card.left)}, right ${px(card.right)}`);
  if (card.bottom < 0 || card.top > card.vh) fail(w, 'glossary-card', `the card is off screen: top ${px(card.top)}, bottom ${px(card.bottom)}, viewport height ${card.vh}px`);
  if (card.id && !card.describedby.includes(card.id)) fail(w, 'glossary-card', `the focused mention is not aria-describedby the card (#${card.id})`);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(50);
  const still = await page.evaluate(() =>
    [...document.querySelectorAll('[role="tooltip"], .gloss-card')].some((c) => !c.hidden && getComputedStyle(c).display !== 'none' && c.getBoundingClientRect().height > 0));
  if (still) fail(w, 'glossary-card', 'Escape does not close the card');
}

/** The computed look of an element, to compare :target with normal. */
function lookOf(page, id) {
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    if (!el) return null;
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return {
      style: {
        'background-color': cs.backgroundColor,
        'box-shadow': cs.boxShadow,
        outline: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`,
        'text-decoration': cs.textDecorationLine + ' ' + cs.textDecorationColor,
      },
      target: el.matches(':target'),
      top: r.top, bottom: r.bottom, vh: window.innerHeight,
    };
  }, id);
}
function sameLook(a, b) {
  return Object.keys(a).every((k) => a[k] === b[k]);
}

/** From the quote index, follow the first `#q-...` link: it lands on the quote, highlighted. */
async function checkQuoteLink(page, where, base, shot) {
  const href = await page.$$eval('a[href*="#q-"]', (as) => as.length ? as[0].getAttribute('href') : null);
  if (!href) return fail(where, 'quote-link', 'no a[href*="#q-"] on the quote index');
  const w = `${where} → ${href}`;
  const id = decodeURIComponent(href.split('#')[1]);
  await Promise.all([
    page.waitForURL((u) => u.hash === `#${encodeURIComponent(id)}` || u.hash === `#${id}`),
    page.locator(`a[href="${href}"]`).first().click(),
  ]);
  await page.waitForLoadState('load');
  await page.waitForTimeout(300); // let a transition finish
  const on = await lookOf(page, id);
  if (!on) return fail(w, 'quote-link', `the article has no element with id ${id}`);
  await shot('quote-target');
  if (!on.target) fail(w, 'quote-link', `#${id} does not match :target after following the link`);
  // Its first line wholly in view, not cut by the top of the window.
  if (on.top < -1 || on.top > on.vh - 20) fail(w, 'quote-link', `the quote's first line is not wholly in view after the jump: top ${px(on.top)}, bottom ${px(on.bottom)}, viewport height ${on.vh}px`);
  // The same quote without the fragment.
  const plain = await page.context().newPage();
  try {
    await plain.goto(new URL(href.split('#')[0], base).href, { waitUntil: 'load' });
    await plain.waitForTimeout(300);
    const off = await lookOf(plain, id);
    if (off && sameLook(on.style, off.style)) {
      fail(w, 'quote-link', `the targeted quote looks the same as when it is not the target: ${JSON.stringify(on.style)}`);
    }
  } finally {
    await plain.close();
  }
}

/** A word of one article's title, searched for, lists that article. */
async function checkSearch(page, where, base) {
  const article = richest(OUT, 'articles');
  const html = fs.readFileSync(fileOf(article), 'utf8');
  const title = ((html.match(/<h1[^>]*>([\s\S]*?)<\/h1>/) || [])[1] || '').replace(/<[^>]+>/g, '');
  const word = title.split(/[^A-Za-z]+/).filter((w) => w.length >= 5).sort((a, b) => b.length - a.length)[0];
  if (!word) return fail(where, 'search', `no word to search for in the title of ${article}`);
  await page.fill('.search-form input[type=search]', word);
  await page.press('.search-form input[type=search]', 'Enter');
  try {
    await page.waitForSelector('.search-results a', { timeout: 15000 });
  } catch {
    const status = await page.$eval('.search-status', (e) => e.textContent).catch(() => '(no status)');
    return fail(where, 'search', `searching for “${word}” showed no results: ${status}`);
  }
  const hrefs = await page.$$eval('.search-results a', (as) => as.map((a) => new URL(a.href).pathname));
  if (!hrefs.includes(article)) fail(where, 'search', `searching for “${word}” did not list ${article}: ${hrefs.join(', ')}`);
  // Under `gloss serve` there is no index (its reload script sets
  // __glossReload): the page must say how to get one, not just "unavailable".
  const served = await page.context().newPage();
  try {
    await served.addInitScript(() => { window.__glossReload = true; });
    await served.route((u) => u.pathname.includes('/pagefind/'), (route) => route.fulfill({ status: 404, body: '' }));
    await served.goto(new URL(`/search/?q=${encodeURIComponent(word)}`, base).href, { waitUntil: 'load' });
    await served.waitForFunction(() => /search/i.test(document.querySelector('.search-status')?.textContent || '') && !/^Searching/.test(document.querySelector('.search-status').textContent), null, { timeout: 15000 });
    const status = await served.$eval('.search-status', (e) => e.textContent);
    if (!/gloss build/.test(status)) fail(where, 'search', `without an index under gloss serve, the page says only: ${status}`);
  } catch (e) {
    fail(where, 'search', `without an index under gloss serve: ${e.message}`);
  } finally {
    await served.close();
  }
}

/** On the article itself: a `#q-...` fragment highlights the quote it names. */
async function checkQuoteTarget(page, where, base, url) {
  const id = await page.$eval('.quote[id^="q-"], [id^="q-"]', (e) => e.id).catch(() => null);
  if (!id) return fail(where, 'quote-target', 'the article has no element with an id starting q-');
  const off = await lookOf(page, id);
  await page.goto(new URL(`${url}#${id}`, base).href, { waitUntil: 'load' });
  await page.waitForTimeout(300);
  const on = await lookOf(page, id);
  const w = `${where} #${id}`;
  if (!on.target) fail(w, 'quote-target', 'does not match :target');
  if (sameLook(on.style, off.style)) fail(w, 'quote-target', `the targeted quote looks the same as the others: ${JSON.stringify(on.style)}`);
  if (on.top < -1 || on.top > on.vh - 20) fail(w, 'quote-target', `the quote's first line is not wholly in view: top ${px(on.top)}, viewport height ${on.vh}px`);
}


/** Every `annotations.jsonld` in the output folder, as URL paths. */
function annotationFiles(dir, rel = '') {
  const found = [];
  for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (fs.statSync(path.join(dir, r)).isDirectory()) found.push(...annotationFiles(dir, r));
    else if (name === 'annotations.jsonld') found.push(`/${r}`);
  }
  return found;
}

/** Apache Annotator's DOM matcher, bundled once for the page (its packages are ES modules with bare imports). */
let annotatorBundle = null;
async function annotatorScript() {
  if (annotatorBundle) return annotatorBundle;
  const esbuild = require('esbuild');
  const r = await esbuild.build({
    stdin: { contents: "export { createTextQuoteSelectorMatcher } from '@apache-annotator/dom';", resolveDir: HERE },
    bundle: true, format: 'iife', globalName: 'ApacheAnnotator', write: false, logLevel: 'warning',
  });
  annotatorBundle = r.outputFiles[0].text;
  return annotatorBundle;
}

/**
 * Issue 16: every exported TextQuoteSelector re-anchors under a strict
 * matcher. For every selector of every annotations.jsonld, Apache Annotator's
 * `createTextQuoteSelectorMatcher` (prefix, exact and suffix matched exactly,
 * no fuzziness) finds exactly one match in the text of the page's
 * `.article-body` (the scope docs/format.md names), and the match's text is
 * the exact.
 */
async function checkSelectors(context, base) {
  const files = annotationFiles(OUT);
  if (!files.length) fail('annotations.jsonld', 'selectors', `no annotations.jsonld in ${OUT}`);
  const script = await annotatorScript();
  let checked = 0;
  for (const file of files) {
    const coll = JSON.parse(fs.readFileSync(fileOf(file), 'utf8'));
    const items = (coll.first && coll.first.items) || [];
    const bySource = new Map();
    for (const item of items) {
      const t = item.target;
      if (!t || !t.selector) continue;
      const sel = t.selector;
      if (sel.type !== 'TextQuoteSelector') { fail(file, 'selectors', `${item.id}: a ${sel.type}, not a TextQuoteSelector`); continue; }
      const url = new URL(t.source).pathname;
      if (!bySource.has(url)) bySource.set(url, []);
      bySource.get(url).push({ id: item.id, selector: { type: sel.type, exact: sel.exact, prefix: sel.prefix, suffix: sel.suffix } });
    }
    for (const [url, list] of bySource) {
      const page = await context.newPage();
      try {
        await page.goto(new URL(url, base).href, { waitUntil: 'load' });
        await page.addScriptTag({ content: script });
        const results = await page.evaluate(async (list) => {
          const scope = document.querySelector('.article-body');
          if (!scope) return null;
          const out = [];
          for (const { selector } of list) {
            const range = document.createRange();
            range.selectNodeContents(scope);
            const found = [];
            for await (const m of window.ApacheAnnotator.createTextQuoteSelectorMatcher(selector)(range)) found.push(m.toString());
            out.push(found);
          }
          return out;
        }, list);
        if (!results) { fail(`${file} ${url}`, 'selectors', 'the page has no .article-body'); continue; }
        list.forEach(({ id, selector }, i) => {
          checked++;
          const found = results[i];
          const show = JSON.stringify({ prefix: selector.prefix, exact: selector.exact, suffix: selector.suffix });
          if (found.length !== 1) fail(`${file} ${id}`, 'selectors', `${found.length} matches (want exactly 1) for ${show}`);
          else if (found[0] !== selector.exact) fail(`${file} ${id}`, 'selectors', `the match's text ${JSON.stringify(found[0])} is not the exact of ${show}`);
        });
      } finally {
        await page.close();
      }
    }
  }
  console.log(`- selectors: ${checked} selectors in ${files.length} annotations.jsonld checked with Apache Annotator`);
}

// ---------------------------------------------------------------------------
// Search shards
// ---------------------------------------------------------------------------
/** The article records of one Pagefind bundle, read from its fragments. */
function articlesInBundle(dir) {
  const zlib = require('node:zlib');
  const frag = path.join(OUT, 'pagefind', dir, 'fragment');
  if (!fs.existsSync(frag)) return [];
  return fs.readdirSync(frag).sort().map((f) => {
    const text = zlib.gunzipSync(fs.readFileSync(path.join(frag, f))).toString('utf8');
    return JSON.parse(text.replace(/^pagefind_dcd/, ''));
  }).filter((r) => r.filters && (r.filters.type || []).includes('Article'));
}

/** The longest word of a title, to search for. */
const titleWord = (title) => title.split(/[^A-Za-z]+/).sort((a, b) => b.length - a.length)[0] || '';

async function mainShards() {
  const server = await serve(OUT);
  const base = `http://127.0.0.1:${server.address().port}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gloss-browser-'));
  const oldTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  let list = [];
  try {
    list = JSON.parse(fs.readFileSync(path.join(OUT, 'pagefind', 'shards.json'), 'utf8'));
  } catch (e) {
    fail('pagefind/shards.json', 'search-shards', `cannot read the list of shards: ${e.message}`);
  }
  const bundles = list.filter((b) => b.holds === 'articles').map((b) => b.path);
  if (bundles.length < 3) fail('pagefind/', 'search-shards', `${bundles.length} article bundle(s), the fixture needs 3 or more`);
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  /** A fresh page on /search/ that counts what it fetches: every file, and
      which bundles' metadata (one per bundle loaded). */
  const open = async (where) => {
    const context = await browser.newContext({ baseURL: base });
    const page = await context.newPage();
    page.on('pageerror', (e) => fail(where, 'console', `uncaught: ${e.message}`));
    // The fixture has no favicon (static/), which Chromium asks for itself.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) fail(where, 'console', `${m.text()} (${m.location().url})`);
    });
    await page.goto('/search/', { waitUntil: 'load' });
    const got = { files: [], metas: new Set() };
    page.on('response', async (r) => {
      if (!r.url().startsWith(base)) return;
      if (r.status() >= 400) fail(where, 'request', `${r.url()} answered ${r.status()}`);
      const url = new URL(r.url()).pathname;
      if (url.endsWith('.pf_meta')) got.metas.add(path.posix.dirname(url));
      const body = await r.body().catch(() => Buffer.alloc(0));
      got.files.push(body.length);
    });
    return { context, page, got };
  };
  /** Waits until the status line has the answer to the query. */
  const answered = (page) => page.waitForFunction(
    () => !/^Searching/.test(document.querySelector('.search-status')?.textContent || 'Searching'), null, { timeout: 15000 });
  const statusOf = (page) => page.$eval('.search-status', (e) => e.textContent).catch(() => '(no status)');
  const hrefsOf = (page) => page.$$eval('.search-results a', (as) => as.map((a) => new URL(a.href).pathname));
  const search = async (page, where, word) => {
    await page.fill('.search-form input[type=search]', word);
    await page.press('.search-form input[type=search]', 'Enter');
    try {
      await answered(page);
    } catch {
      fail(where, 'search-shards', `searching for “${word}” got no answer: ${await statusOf(page)}`);
      return false;
    }
    await page.waitForLoadState('networkidle');
    return true;
  };
  /** Presses "Search older articles" once and waits for the answer. */
  const older = async (page, where) => {
    const before = await statusOf(page);
    await page.click('.search-more');
    await page.waitForFunction((b) => {
      const s = document.querySelector('.search-status')?.textContent || '';
      return s !== b && !/^Searching/.test(s);
    }, before, { timeout: 15000 }).catch(() => fail(where, 'search-older', `“Search older articles” changed nothing: ${before}`));
    await page.waitForLoadState('networkidle');
  };
  const moreShown = (page) => page.locator('.search-more').isVisible();
  try {
    // An article of the newest bundle is found at once. One of the oldest
    // is found by reaching back: a query reaches back at most REACH (3)
    // bundles by itself, so with five bundles it takes one press of
    // "Search older articles".
    for (const [which, dir, clicks] of [['newest', bundles[bundles.length - 1], 0], ['oldest', bundles[0], bundles.length > 4 ? 1 : 0]]) {
      const where = `${which} shard (pagefind/${dir})`;
      const article = articlesInBundle(dir)[0];
      if (!article) { fail(where, 'search-shards', 'holds no article'); continue; }
      const word = titleWord(article.meta.title);
      const { context, page, got } = await open(where);
      await timed('search-shards', where, async () => {
        if (!(await search(page, where, word))) return;
        const first = got.metas.size;
        if (first > 4) fail(where, 'search-shards', `one query fetched the metadata of ${first} bundles; it may reach back 3 from the newest`);
        for (let i = 0; i < clicks; i++) {
          if (!(await moreShown(page))) return fail(where, 'search-older', `“${word}” is not found yet and there is no button to search older articles: ${await statusOf(page)}`);
          await older(page, where);
        }
        const hrefs = await hrefsOf(page);
        if (!hrefs.includes(article.url)) fail(where, 'search-shards', `searching for “${word}” did not list ${article.url}: ${await statusOf(page)} ${hrefs.join(', ')}`);
      });
      console.log(`${where}: searching for “${word}” (${article.url}) fetched ${got.files.length} files, ${got.files.reduce((a, b) => a + b, 0)} bytes, the metadata of ${got.metas.size} of ${list.length} bundles`);
      await context.close();
    }
    // A word every article has fills a page from the newest bundles alone:
    // the older ones are not fetched until the reader asks for them.
    if (COMMON) {
      const where = `“${COMMON}” (in every article)`;
      const { context, page, got } = await open(where);
      await timed('search-older', where, async () => {
        if (!(await search(page, where, COMMON))) return;
        const loaded = got.metas.size;
        if (loaded >= list.length) fail(where, 'search-older', `the first query fetched every bundle's metadata (${loaded} of ${list.length})`);
        const status = await statusOf(page);
        if (!/ in articles since /.test(status)) fail(where, 'search-older', `the status does not say how far back the results reach: “${status}”`);
        if (!(await moreShown(page))) return fail(where, 'search-older', 'no button to search older articles');
        const count = async () => parseInt(await statusOf(page), 10);
        const before = await count();
        let clicks = 0;
        while (await moreShown(page) && clicks < list.length) {
          const n = await count();
          await older(page, where);
          clicks++;
          if (!((await count()) > n)) fail(where, 'search-older', `“Search older articles” found no more results than ${n}`);
        }
        const after = await count();
        const articles = list.filter((b) => b.holds === 'articles').reduce((n, b) => n + articlesInBundle(b.path).length, 0);
        if (after !== articles) fail(where, 'search-older', `after reaching back to the oldest bundle, ${after} results; the site has ${articles} articles with the word`);
        if (got.metas.size !== list.length) fail(where, 'search-older', `the metadata of ${got.metas.size} of ${list.length} bundles was fetched after reaching back`);
        const final = await statusOf(page);
        if (/ since /.test(final)) fail(where, 'search-older', `with every bundle searched the status still says “${final}”`);
        console.log(`${where}: the first query fetched the metadata of ${loaded} of ${list.length} bundles (${before} results); ${clicks} click(s) on “Search older articles” reached all ${after}`);
      });
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
    process.env.TMPDIR = oldTmp ?? '';
    if (oldTmp === undefined) delete process.env.TMPDIR;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (failures.length) {
    failures.forEach((f, i) => console.log(`\n${i + 1}. [${f.check}] ${f.where}\n    ${f.message}`));
    console.log(`\nbrowser: ${timings.filter((t) => t.ok).length} passed, ${failures.length} failed`);
    process.exit(1);
  }
  console.log(`\nbrowser: ${timings.length} passed, 0 failed`);
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------
/** `--selectors-only`: the selector check alone, for the fixtures' sites. */
async function mainSelectors() {
  const server = await serve(OUT);
  const base = `http://127.0.0.1:${server.address().port}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gloss-browser-'));
  const oldTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ ...WIDTHS[0].context, baseURL: base });
    await timed('selectors', OUT, () => checkSelectors(context, base));
    await context.close();
  } finally {
    await browser.close();
    server.close();
    if (oldTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = oldTmp;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (failures.length) {
    console.log(`\n${failures.length} FAILURE${failures.length === 1 ? '' : 'S'}:`);
    failures.forEach((f, i) => console.log(`\n${i + 1}. [${f.check}] ${f.where}\n    ${f.message.replace(/\n/g, '\n    ')}`));
    process.exit(1);
  }
  console.log('\nbrowser: selectors passed');
}

async function main() {
  if (SHARDS) return mainShards();
  if (SELECTORS_ONLY) return mainSelectors();
  const t0 = performance.now();
  const htmlFiles = listHtml(OUT);
  const vnuStarted = performance.now();
  const vnu = runVnu(htmlFiles);

  const server = await serve(OUT);
  const base = `http://127.0.0.1:${server.address().port}`;
  fs.mkdirSync(SHOTS, { recursive: true });

  // Playwright makes Chromium's --user-data-dir under os.tmpdir(): point that at
  // a fresh folder of our own, removed at the end, so no profile is ever reused.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gloss-browser-'));
  const oldTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;

  const names = new Map();
  try {
    const g = JSON.parse(fs.readFileSync(path.join(OUT, 'glossary.json'), 'utf8'));
    const list = Array.isArray(g) ? g : g.entries || Object.values(g);
    for (const e of list) if (e && e.id && e.name) names.set(e.id, e);
  } catch (e) {
    fail('glossary.json', 'glossary-card', `cannot read the entries' names: ${e.message}`);
  }

  const pages = [];
  for (const p of PAGES) {
    const url = typeof p.path === 'function' ? p.path(OUT) : p.path;
    const file = url && (p.file ? path.join(OUT, p.file) : fileOf(url));
    if (!url || !fs.existsSync(file)) {
      if (p.optional) console.log(`- ${p.name}: not in this site, skipped`);
      else fail(p.name, 'page', `no such page in ${OUT}${url ? ` (${url})` : ''}`);
      continue;
    }
    pages.push({ ...p, url });
  }

  const { chromium } = require('playwright-core');
  let browser;
  const launchStarted = performance.now();
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  } catch (e) {
    fail('chromium', 'launch', e.message);
  }
  timings.push({ check: 'launch', where: 'chromium', ms: performance.now() - launchStarted, ok: !!browser });

  if (browser) {
    try {
      for (const { width, context: opts } of WIDTHS) {
        const context = await browser.newContext({ ...opts, baseURL: base, reducedMotion: 'reduce' });
        for (const p of pages) {
          const where = `${p.name}@${width} ${p.url}`;
          const page = await context.newPage();
          const expected = new Set(); // URLs allowed to answer >= 400
          if (p.status) expected.add(new URL(p.url, base).href);
          page.on('console', (m) => {
            if (m.type() !== 'error') return;
            // Chromium logs the deliberate 404 visit itself as an error.
            if (expected.has(m.location().url) && /status of 4\d\d/.test(m.text())) return;
            if (m.type() === 'error') fail(where, 'console', `${m.text()}${m.location().url ? ` (${m.location().url}:${m.location().lineNumber})` : ''}`);
          });
          page.on('pageerror', (e) => fail(where, 'console', `uncaught: ${e.message}`));
          page.on('requestfailed', (r) => {
            if (!r.url().startsWith(base)) return; // reported by the route below
            fail(where, 'request', `${r.method()} ${r.url()} failed: ${r.failure() && r.failure().errorText}`);
          });
          page.on('response', (r) => {
            if (r.status() >= 400 && !expected.has(r.url())) fail(where, 'request', `${r.request().method()} ${r.url()} answered ${r.status()}`);
          });
          await page.route((u) => u.origin !== base, (route) => {
            const u = route.request().url();
            if (!u.startsWith('data:')) fail(where, 'request', `the page asks for an outside resource: ${u}`);
            return route.abort('blockedbyclient');
          });

          await timed('load', where, async () => {
            const r = await page.goto(p.url, { waitUntil: 'load' });
            const want = p.status || 200;
            if (!r || r.status() !== want) fail(where, 'load', `status ${r && r.status()}, expected ${want}`);
            await page.evaluate(() => document.fonts && document.fonts.ready);
          });
          await timed('screenshot', where, () =>
            page.screenshot({ path: path.join(SHOTS, `${p.name}-${width}.png`), fullPage: true }));
          await timed('axe', where, () => checkAxe(page, where));
          if (width === WIDTHS[0].width) {
            // The theme has a dark palette too: its contrast, once per page.
            await timed('axe-dark', where, async () => {
              await page.emulateMedia({ colorScheme: 'dark' });
              await checkAxe(page, `${where} (dark)`, { runOnly: ['color-contrast', 'link-in-text-block'] });
              await page.emulateMedia({ colorScheme: 'light' });
            });
          }
          await timed('no-horizontal-scroll', where, () => checkNoHorizontalScroll(page, where));
          await timed('favicon', where, () => checkFavicon(page, where));
          if (width === WIDTHS[0].width) await timed('headline-hyphens', where, () => checkHeadlineHyphens(page, where));
          const checks = p.checks || [];
          // A screenshot of the viewport in a state a check has set up.
          const shot = (state) => page.screenshot({ path: path.join(SHOTS, `${p.name}-${width}-${state}.png`) });
          if (checks.includes('references') && width === WIDTHS[0].width) await timed('references', where, () => checkReferencesBesideAnchors(page, where));
          if (checks.includes('sidenotes')) {
            await timed('sidenotes', where, () => (width >= 1280 ? checkSidenotesWide(page, where) : checkSidenotesNarrow(page, where, shot)));
          }
          if (width === WIDTHS[0].width && p.also && (checks.includes('references') || checks.includes('sidenotes'))) {
            for (const url of p.also(OUT).filter((u) => u !== p.url)) {
              const w2 = `${p.name}@${width} ${url}`;
              const other = await context.newPage();
              other.on('pageerror', (e) => fail(w2, 'console', `uncaught: ${e.message}`));
              other.on('console', (m) => {
                if (m.type() === 'error') fail(w2, 'console', `${m.text()}${m.location().url ? ` (${m.location().url}:${m.location().lineNumber})` : ''}`);
              });
              await timed('load', w2, async () => {
                await other.goto(url, { waitUntil: 'load' });
                await other.evaluate(() => document.fonts && document.fonts.ready);
              });
              if (checks.includes('references')) await timed('references', w2, () => checkReferencesBesideAnchors(other, w2));
              if (checks.includes('sidenotes')) await timed('sidenotes', w2, () => checkSidenotesWide(other, w2));
              await other.close();
            }
          }
          if (checks.includes('numbering')) await timed('numbering', where, () => checkNumbering(page, where, width < 1280, shot));
          if (checks.includes('one-number')) await timed('one-number', where, () => checkOneNumber(page, where, width < 1280, shot));
          if (checks.includes('glossary-card')) await timed('glossary-card', where, () => checkGlossaryCard(page, where, names, shot));
          if (checks.includes('quote-target')) await timed('quote-target', where, () => checkQuoteTarget(page, where, base, p.url));
          if (checks.includes('quote-link')) await timed('quote-link', where, () => checkQuoteLink(page, where, base, shot));
          if (checks.includes('search')) await timed('search', where, () => checkSearch(page, where, base));
          await page.close();
        }
        if (width === WIDTHS[0].width) await timed('selectors', 'annotations.jsonld', () => checkSelectors(context, base));
        await context.close();
      }
    } finally {
      await browser.close();
    }
  }
  server.close();
  process.env.TMPDIR = oldTmp ?? '';
  if (oldTmp === undefined) delete process.env.TMPDIR;
  fs.rmSync(tmp, { recursive: true, force: true });

  await timed('nu-html-checker', `${htmlFiles.length} HTML files`, () => checkVnu(vnu, htmlFiles.length));
  // The checker ran alongside the browser: its own time is from its start.
  timings[timings.length - 1].ms = performance.now() - vnuStarted;

  // -------------------------------------------------------------------------
  // Summary
  // -------------------------------------------------------------------------
  const byCheck = new Map();
  for (const t of timings) {
    const s = byCheck.get(t.check) || { runs: 0, ms: 0, failed: 0 };
    s.runs++; s.ms += t.ms; if (!t.ok) s.failed++;
    byCheck.set(t.check, s);
  }
  console.log(`\nbrowser tests of ${OUT}`);
  console.log(`${pages.length} page types × ${WIDTHS.map((w) => w.width + 'px').join(', ')}; screenshots in ${path.relative(process.cwd(), SHOTS) || SHOTS}\n`);
  console.log('check                  runs   total ms   failed');
  for (const [check, s] of byCheck) {
    console.log(`${check.padEnd(22)} ${String(s.runs).padStart(4)} ${s.ms.toFixed(0).padStart(10)}   ${s.failed ? s.failed : '-'}`);
  }
  const slow = timings.filter((t) => t.check !== 'nu-html-checker' && t.check !== 'launch').sort((a, b) => b.ms - a.ms).slice(0, 5);
  console.log(`\nslowest: ${slow.map((t) => `${t.check} ${t.where.split(' ')[0]} ${t.ms.toFixed(0)}ms`).join('; ')}`);
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  if (failures.length) {
    console.log(`\n${failures.length} FAILURE${failures.length === 1 ? '' : 'S'}:`);
    failures.forEach((f, i) => console.log(`\n${i + 1}. [${f.check}] ${f.where}\n    ${f.message.replace(/\n/g, '\n    ')}`));
    const checksRun = timings.length;
    console.log(`\nbrowser: ${checksRun - timings.filter((t) => !t.ok).length} passed, ${timings.filter((t) => !t.ok).length} failed`);
    process.exit(1);
  }
  console.log(`\nbrowser: ${timings.length} passed, 0 failed`);
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(2);
});
