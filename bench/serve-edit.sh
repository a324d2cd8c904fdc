#!/usr/bin/env bash
# Save-to-reload latency of `gloss serve`: starts the server on SITE, listens to its live-reload
# stream (/__gloss/events), then edits one article's paragraph RUNS times and measures, for each
# edit, the time from the write to the `reload` event; prints the median (and min/max).
#
#   bench/serve-edit.sh SITE [RUNS]       e.g. python3 bench/gen.py --articles 10000 --out /tmp/inc10k
#                                              bench/serve-edit.sh /tmp/inc10k/gloss 20
#
# Environment: GLOSS  the gloss binary (default: target/release/gloss, built if missing)
#              PORT   the port to serve on (default 4391)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SITE=${1:?usage: serve-edit.sh SITE [RUNS]}
RUNS=${2:-20}
PORT=${PORT:-4391}
GLOSS=${GLOSS:-$ROOT/target/release/gloss}
[ -x "$GLOSS" ] || (cd "$ROOT" && cargo build --release --bin gloss)

"$GLOSS" --root "$SITE" --quiet serve --port "$PORT" >/dev/null &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT

python3 - "$SITE" "$RUNS" "$PORT" <<'PY'
import http.client, os, socket, statistics, sys, time

site, runs, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
arts = sorted(f for f in os.listdir(os.path.join(site, "content/articles")) if f.endswith(".md"))
path = os.path.join(site, "content/articles", arts[len(arts) // 2])
original = open(path, encoding="utf-8").read()

start = time.monotonic()
while True:  # the first (full) build runs before the server answers
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        c.request("GET", "/")
        c.getresponse().read()
        break
    except OSError:
        if time.monotonic() - start > 600:
            sys.exit("serve-edit: the server did not start")
        time.sleep(0.2)
print(f"first build and start: {time.monotonic() - start:.2f} s", flush=True)

sock = socket.create_connection(("127.0.0.1", port))
sock.sendall(f"GET /__gloss/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
stream = sock.makefile("rb")

def next_event():
    name = None
    for raw in stream:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if line.startswith("event:"):
            name = line[6:].strip()
        elif line == "" and name:
            return name
    sys.exit("serve-edit: the event stream closed")

times = []
try:
    time.sleep(0.5)
    for run in range(runs):
        text = original + f"\nOne more paragraph, edit {run}.\n" if run % 2 == 0 else original
        t0 = time.monotonic()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        while True:
            name = next_event()
            if name == "reload":
                break
            if name == "error":
                sys.exit("serve-edit: the rebuild failed")
        times.append(time.monotonic() - t0)
        time.sleep(0.3)
finally:
    open(path, "w", encoding="utf-8").write(original)
ms = sorted(t * 1000 for t in times)
print(f"save to reload: median {statistics.median(ms):.0f} ms, min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms ({runs} edits of {os.path.basename(path)})")
PY
