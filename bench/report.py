#!/usr/bin/env python3
"""Prints run.sh's tables from its results.tsv: python3 bench/report.py BENCH_DIR/results.tsv"""

import csv
import statistics
import sys

ORDER = {("hugo", "plain"): 0, ("hugo-min", "plain"): 0.5, ("hugo+pagefind", "plain"): 1,
         ("gloss-base", "plain"): 2, ("gloss-base", "annotated"): 3, ("gloss", "plain"): 4,
         ("gloss", "annotated"): 5, ("gloss", "plain-bare"): 6, ("gloss", "annot-bare"): 7,
         ("gloss", "search"): 8, ("gloss", "annot-search"): 9, ("gloss", "one-edit"): 9.5,
         ("floor", "plain"): 10}
# A run during which other processes used more than this (in % of one core) is disturbed.
DISTURBED_PCT = 25
# Below this wall time, the 10 ms clock ticks of /proc/stat cannot tell.
MIN_WALL_FOR_OTHERS = 0.5


def main(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    groups = {}
    for r in rows:
        groups.setdefault((r["tool"], r["site"], int(r["articles"])), []).append(r)

    med = {}
    disturbed = False
    print(f"{'tool':<13} {'site':<12} {'articles':>8} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9} "
          f"{'CPU %':>6} {'others %':>8} {'pages':>7}  note")
    print("-" * 95)
    for key in sorted(groups, key=lambda k: (k[2], ORDER.get(k[:2], 9), k)):
        tool, site, n = key
        rs = groups[key]
        ok = [r for r in rs if r["status"] == "ok"]
        if not ok or len(ok) < len(rs):
            bad = [r for r in rs if r["status"] != "ok"][0]
            why = {"killed": "KILLED at the memory cap (BENCH_MAX_MIB)",
                   "differs": "OUTPUT DIFFERS from a clean build"}.get(bad["status"], "FAILED")
            print(f"{tool:<13} {site:<12} {n:>8} {float(bad['wall_s']):>8.2f} {float(bad['cpu_s']):>8.2f} "
                  f"{int(bad['rss_kib']) / 1024:>9.1f} {'-':>6} {'-':>8} {'-':>7}  {why} (see the logs)")
            continue

        def m(field):
            return statistics.median(float(r[field]) for r in ok)

        wall, cpu_s, mib, pct = m("wall_s"), m("cpu_s"), m("rss_kib") / 1024, m("cpu_pct")
        pages = int(ok[0]["pages"])
        note = []
        if pages < n:
            note.append(f"only {pages} pages for {n} articles!")
        if wall >= MIN_WALL_FOR_OTHERS:
            other = f"{m('other_pct'):.0f}"
            bad = sum(1 for r in ok if int(r["other_pct"]) > DISTURBED_PCT)
            if bad:
                note.append(f"{bad} of {len(ok)} runs disturbed")
                disturbed = disturbed or 2 * bad > len(ok)
        else:
            other = "~"
        med[key] = (wall, cpu_s, mib)
        print(f"{tool:<13} {site:<12} {n:>8} {wall:>8.2f} {cpu_s:>8.2f} {mib:>9.1f} {pct:>6.0f} "
              f"{other:>8} {pages:>7}  {'; '.join(note)}")

    def ratio(a, b, i):
        if a not in med or b not in med or med[b][i] <= 0 or med[a][i] <= 0:
            return "n/a"
        return f"{med[a][i] / med[b][i]:.2f}"

    # The faster of the two Hugo layouts (issue 15 asks for ratios against it), per figure.
    for n in {k[2] for k in groups}:
        hs = [med[k] for k in (("hugo", "plain", n), ("hugo-min", "plain", n)) if k in med]
        if hs:
            med[("hugo-fast", "plain", n)] = tuple(min(h[i] for h in hs) for i in range(3))

    print()
    print(f"{'ratio':<22} {'articles':>8} {'wall':>7} {'CPU':>7} {'memory':>7}")
    print("-" * 55)
    for n in sorted({k[2] for k in groups}):
        for name, a, b in (("gloss/hugo", ("gloss", "plain", n), ("hugo", "plain", n)),
                           ("gloss/hugo-min", ("gloss", "plain", n), ("hugo-min", "plain", n)),
                           ("hugo/hugo-min", ("hugo", "plain", n), ("hugo-min", "plain", n)),
                           ("plain/faster-hugo", ("gloss", "plain", n), ("hugo-fast", "plain", n)),
                           ("default/faster-hugo", ("gloss", "search", n), ("hugo-fast", "plain", n)),
                           ("gloss/floor", ("gloss", "plain", n), ("floor", "plain", n)),
                           ("annot/plain", ("gloss", "annotated", n), ("gloss", "plain", n)),
                           ("bare: a/p", ("gloss", "annot-bare", n), ("gloss", "plain-bare", n)),
                           ("search/plain", ("gloss", "search", n), ("gloss", "plain", n)),
                           ("search/hugo+pagefind", ("gloss", "search", n), ("hugo+pagefind", "plain", n)),
                           ("annot-search/h+p", ("gloss", "annot-search", n), ("hugo+pagefind", "plain", n)),
                           ("plain: new/base", ("gloss", "plain", n), ("gloss-base", "plain", n)),
                           ("annotated: new/base", ("gloss", "annotated", n), ("gloss-base", "annotated", n))):
            if "n/a" == ratio(a, b, 0):
                continue
            print(f"{name:<22} {n:>8} {ratio(a, b, 0):>7} {ratio(a, b, 1):>7} {ratio(a, b, 2):>7}")
    targets(med, groups)
    if disturbed:
        print(f"\nSome medians come from disturbed runs (other processes used more than {DISTURBED_PCT} % of a "
              "core):\ntheir wall times are too high; CPU seconds suffer less. Rerun on a quiet machine.")


def targets(med, groups):
    """Issue 15's targets beside the figures of this run: met, missed, or not measured."""
    def fig(tool, site, n, i):
        return med.get((tool, site, n), (None, None, None))[i]

    def check(what, value, limit, unit, fmt="{:.2f}"):
        if value is None or limit is None:
            return f"{what:<58} {'-':>10} {'-':>10}  not measured"
        verdict = "met" if value <= limit else "MISSED"
        return f"{what:<58} {fmt.format(value) + unit:>10} {fmt.format(limit) + unit:>10}  {verdict}"

    def ratio(a, b):
        return a / b if a is not None and b else None

    sizes = sorted({k[2] for k in groups})
    lines = []
    if 10000 in sizes:
        n = 10000
        hp = fig("hugo+pagefind", "plain", n, 0)
        lines += [
            check("10k, default config: peak memory", fig("gloss", "search", n, 2), 1024, " MiB", "{:.0f}"),
            check("10k, default config: wall / (Hugo + Pagefind)", ratio(fig("gloss", "search", n, 0), hp), 0.5, "x"),
            check("10k annotated, search on: wall / (Hugo + Pagefind)", ratio(fig("gloss", "annot-search", n, 0), hp), 0.5, "x"),
        ]
    if 100000 in sizes:
        n = 100000
        hf = fig("hugo-fast", "plain", n, 0)
        d10 = fig("gloss", "search", 10000, 0)
        lines += [
            check("100k, default config: peak memory", fig("gloss", "search", n, 2), 2048, " MiB", "{:.0f}"),
            check("100k, default config: wall / faster Hugo", ratio(fig("gloss", "search", n, 0), hf), 2.0, "x"),
            check("100k, default config: wall / its 10k wall", ratio(fig("gloss", "search", n, 0), d10), 11.0, "x"),
            check("100k, search = false: peak memory", fig("gloss", "plain", n, 2), 1024, " MiB", "{:.0f}"),
            check("100k, search = false: wall / faster Hugo", ratio(fig("gloss", "plain", n, 0), hf), 0.5, "x"),
            check("100k, one-edit rebuild (search on): wall", fig("gloss", "one-edit", n, 0), 2.0, " s"),
        ]
    if not lines:
        return
    print()
    print(f"{'issue 15 target':<58} {'measured':>10} {'target':>10}")
    print("-" * 90)
    for line in lines:
        print(line)
    edits = [k for k in groups if k[:2] == ("gloss", "one-edit")]
    if edits and all(r["status"] == "ok" for k in edits for r in groups[k]):
        print("one-edit rebuilds: output identical to a clean build in every run")


if __name__ == "__main__":
    main(sys.argv[1])
