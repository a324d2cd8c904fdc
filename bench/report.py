#!/usr/bin/env python3
"""Prints run.sh's tables from its results.tsv: python3 bench/report.py BENCH_DIR/results.tsv"""

import csv
import statistics
import sys

ORDER = {("hugo", "plain"): 0, ("hugo+pagefind", "plain"): 1, ("gloss-base", "plain"): 2,
         ("gloss-base", "annotated"): 3, ("gloss", "plain"): 4, ("gloss", "annotated"): 5,
         ("gloss", "plain-bare"): 6, ("gloss", "annot-bare"): 7, ("gloss", "search"): 8,
         ("gloss", "annot-search"): 9, ("floor", "plain"): 10}
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
            print(f"{tool:<13} {site:<12} {n:>8} {'-':>8} {'-':>8} {'-':>9} {'-':>6} {'-':>8} {'-':>7}  "
                  "FAILED (see the logs)")
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

    print()
    print(f"{'ratio':<22} {'articles':>8} {'wall':>7} {'CPU':>7} {'memory':>7}")
    print("-" * 55)
    for n in sorted({k[2] for k in groups}):
        for name, a, b in (("gloss/hugo", ("gloss", "plain", n), ("hugo", "plain", n)),
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
    if disturbed:
        print(f"\nSome medians come from disturbed runs (other processes used more than {DISTURBED_PCT} % of a "
              "core):\ntheir wall times are too high; CPU seconds suffer less. Rerun on a quiet machine.")


if __name__ == "__main__":
    main(sys.argv[1])
