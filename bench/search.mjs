#!/usr/bin/env node
// Search on a built site, as a reader gets it: what a one-word query transfers and how long it
// takes to show results, in Debian's Chromium (headless, driven by playwright-core) on loopback.
//
//   npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund   # once
//   node bench/search.mjs OUT [--word W]... [--runs N]
//
// OUT is a `gloss build` output folder with a search index (`pagefind/`). The folder is served on
// 127.0.0.1 (an ephemeral port, no compression, no caching). For each word, N times (default 3),
// a fresh browser context (empty cache) opens /search/, waits for the page to load, then types the
// word and presses Enter: the index loads on the first query (Pagefind's script and its wasm, the
// glossary bundles and the newest articles' bundle, then older bundles one at a time while the
// results do not fill a page; each bundle's entry file, metadata and the word's chunk), and the
// results list appears. Measured from Enter until the
// first result link is on the page: the time; and the requests that started after Enter and their
// bytes (response headers and body as they crossed the wire, from Playwright's request sizes),
// counted until the network is idle, so the fragments of the results shown count too. The page
// load itself (HTML, CSS, gloss.js) is reported apart.
//
// Default words: the longest word of the newest article's title (a rare word), and "minister" (in
// many articles of bench/gen.py's sites). Prints one line per word with medians, and
// `RESULT\tword\tkb\tms` lines for scripts.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, '..', 'tests', 'browser', 'package.json'));
const CHROMIUM = process.env.GLOSS_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

function usage(msg) {
  console.error(`search.mjs: ${msg}\nusage: node bench/search.mjs OUT [--word W]... [--runs N]`);
  process.exit(2);
}

const argv = process.argv.slice(2);
let OUT = null, RUNS = 3;
const words = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--word') words.push(argv[++i] || usage('--word needs a word'));
  else if (argv[i] === '--runs') RUNS = Number(argv[++i]);
  else if (!OUT) OUT = path.resolve(argv[i]);
  else usage(`unexpected argument ${argv[i]}`);
}
if (!OUT) usage('no output folder');
if (!(RUNS >= 1)) usage('--runs must be a positive number');
if (!fs.existsSync(path.join(OUT, 'pagefind', 'pagefind.js'))) usage(`${OUT} has no search index (pagefind/pagefind.js)`);

if (words.length === 0) {
  // The home page lists the newest article first; its title's longest word is a rare query.
  const home = fs.readFileSync(path.join(OUT, 'index.html'), 'utf8');
  const m = home.match(/<a [^>]*href="[^"]*\/articles\/[^"]+"[^>]*>([^<]+)<\/a>/);
  const title = m ? m[1] : '';
  const w = title.split(/[^A-Za-z]+/).sort((a, b) => b.length - a.length)[0];
  if (w) words.push(w.toLowerCase());
  words.push('minister');
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.wasm': 'application/wasm' };
function serve(root) {
  const server = createServer((req, res) => {
    let rel;
    try { rel = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { res.writeHead(400); return res.end(); }
    let file = path.join(root, rel);
    if (!file.startsWith(root)) { res.writeHead(404); return res.end(); }
    let stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat && stat.isDirectory()) { file = path.join(file, 'index.html'); stat = fs.statSync(file, { throwIfNoEntry: false }); }
    if (!stat || !stat.isFile()) { res.writeHead(404); return res.end(); }
    const body = fs.readFileSync(file);
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
      'content-length': body.length, 'cache-control': 'no-store' });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };

const { chromium } = require('playwright-core');
const server = await serve(OUT);
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
let failed = false;
try {
  const shards = JSON.parse(fs.readFileSync(path.join(OUT, 'pagefind', 'shards.json'), 'utf8')).length;
  console.log(`search.mjs: ${OUT}, ${shards} bundle(s), ${RUNS} run(s) a word, cold cache each run`);
  for (const word of words) {
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      const context = await browser.newContext({ baseURL: base });
      const page = await context.newPage();
      let counting = false;
      const tally = { page: { files: 0, bytes: 0 }, query: { files: 0, bytes: 0 } };
      const pending = [];
      page.on('requestfinished', (req) => {
        const t = counting ? tally.query : tally.page;
        pending.push(req.sizes().then((z) => {
          t.files += 1;
          t.bytes += z.responseHeadersSize + z.responseBodySize;
        }).catch(() => {}));
      });
      await page.goto('/search/', { waitUntil: 'load' });
      await page.waitForLoadState('networkidle');
      counting = true;
      const t0 = Date.now();
      await page.fill('.search-form input[type=search]', word);
      await page.press('.search-form input[type=search]', 'Enter');
      let results = 0;
      try {
        await page.waitForFunction(() => {
          const s = document.querySelector('.search-status')?.textContent || '';
          return document.querySelector('.search-results a') || /^Nothing found|unavailable/.test(s);
        }, null, { timeout: 60000, polling: 'raf' });
        const status = await page.$eval('.search-status', (e) => e.textContent);
        results = Number((status.match(/^(\d+)/) || [0, 0])[1]);
      } catch (e) {
        console.error(`search.mjs: “${word}” showed no results: ${e.message}`);
        failed = true;
      }
      const ms = Date.now() - t0;
      // Requests still in flight when the results show (fragments of results below the first)
      // count too: wait for the network to settle.
      await page.waitForLoadState('networkidle').catch(() => {});
      await Promise.all(pending);
      runs.push({ ms, results, ...tally });
      await context.close();
    }
    const kb = median(runs.map((x) => x.query.bytes)) / 1000;
    const ms = median(runs.map((x) => x.ms));
    console.log(`“${word}”: ${runs[0].results} results; query: ${kb.toFixed(0)} kB in ${median(runs.map((x) => x.query.files))} requests, `
      + `results after ${ms} ms (median; ${runs.map((x) => x.ms).join(', ')}); `
      + `page load before it: ${(median(runs.map((x) => x.page.bytes)) / 1000).toFixed(0)} kB in ${median(runs.map((x) => x.page.files))} requests`);
    console.log(`RESULT\t${word}\t${kb.toFixed(1)}\t${ms}`);
  }
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
