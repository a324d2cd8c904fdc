#!/usr/bin/env python3
"""Bad input at two sizes: does gloss's cost grow no faster than its input?

Generates each case of issue 12's "bad input costs more than linear time" at
size n and at a multiple of n, runs `gloss check` on both (the cases are
meant to fail, so `check` and `build` do the same work), and prints wall time,
peak RSS and the growth ratio of each. With linear cost the time ratio is
about the size ratio; a quadratic case shows the square of it.

    bench/robustness.py                      # builds target/release/gloss first
    bench/robustness.py --gloss PATH         # measure another binary
    bench/robustness.py --only long-line     # one case
    bench/robustness.py --timeout 120        # per run, in seconds

Peak RSS comes from the kernel (wait4's ru_maxrss of the child), wall time
from a monotonic clock around the run; each figure is the median of --runs.
Writes nothing in the repository: the sites live in a temporary folder.
"""

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

WORDS = (
    "harbour council budget vote ferry timetable dredging contract mayor board "
    "meeting april chamber debate opponent line cheque radio bulletin minutes "
    "report tender channel pier crane cargo shipping season winter storm quay "
    "inspector audit pension reserve bridge tunnel licence fishing fleet tide"
).split()

CONFIG = 'title = "Robustness"\nbase_url = "https://example.org/"\nsearch = false\n'


def prose(rng, words):
    """`words` words of sentences, each ending with a number unique in the text."""
    out, n, k = [], 0, 0
    while n < words:
        length = rng.randint(8, 16)
        out.append(
            " ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + f" n{k}."
        )
        n += length + 1
        k += 1
    return " ".join(out)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def article(front, body):
    return f'+++\ntitle = "Case"\ndate = 2024-01-01\n{front}+++\n{body}\n'


def case_anchor_typo(root, n, rng):
    """An article of n words; an anchor of n/33 words copied from it with one typo."""
    text = prose(rng, n)
    words = text.split(" ")
    a = n // 33
    start = len(words) // 2
    anchor = words[start : start + a]
    anchor[a // 2] = anchor[a // 2] + "x"
    write(
        f"{root}/content/articles/story.md",
        article(f'[[notes]]\nanchor = "{" ".join(anchor)}"\ntext = "A note."\n', text),
    )


def case_long_line(root, n, rng):
    """One fenced Rust block whose only line is n bytes long."""
    line = ("let x = vec![1, 2, 3]; " * (n // 24 + 1))[:n]
    write(
        f"{root}/content/articles/code.md",
        article("", f"Some code:\n\n```rust\n{line}\n```\n"),
    )


def case_many_notes(root, n, rng):
    """n notes in one article, each anchored to its own sentence."""
    sentences = [f"Sentence {i} is about the {rng.choice(WORDS)} n{i}." for i in range(n)]
    front = "".join(
        f'[[notes]]\nanchor = "Sentence {i} is about"\ntext = "Note {i}."\n' for i in range(n)
    )
    body = "\n\n".join(" ".join(sentences[i : i + 10]) for i in range(0, n, 10))
    write(f"{root}/content/articles/notes.md", article(front, body))


def case_unknown_mentions(root, n, rng):
    """n explicit mentions of ids no entry has, on one line, beside a glossary
    of 200 entries."""
    for i in range(200):
        write(
            f"{root}/content/glossary/person-{i}.md",
            f'+++\nname = "Person {i}"\nkind = "person"\n+++\nSomeone.\n',
        )
    body = " ".join(f"Said [x](@nope-{i}) today." for i in range(n))
    write(f"{root}/content/articles/mentions.md", article("", body))


def case_alias_storm(root, n, rng):
    """n glossary entries, each listing the names of all the others as aliases."""
    names = [f"Name {i}" for i in range(n)]
    for i in range(n):
        aliases = ", ".join(f'"{names[j]}"' for j in range(n) if j != i)
        write(
            f"{root}/content/glossary/e{i:04}.md",
            f'+++\nname = "{names[i]}"\nkind = "person"\naliases = [{aliases}]\n+++\nX.\n',
        )
    write(f"{root}/content/articles/a.md", article("", "Name 1 spoke."))


def case_deep_yaml(root, n, rng):
    """YAML front matter with a flow sequence nested n deep."""
    write(
        f"{root}/content/articles/deep.md",
        "---\ntitle: Deep\ndate: 2024-01-01\ntags: " + "[" * n + "]" * n + "\n---\nBody.\n",
    )


# name: (generator, n, multiple, what n counts)
CASES = {
    "anchor-typo": (case_anchor_typo, 1000, 4, "article words (anchor n/33)"),
    "long-line": (case_long_line, 400_000, 10, "bytes in one code line"),
    "many-notes": (case_many_notes, 1000, 10, "notes in one article"),
    "unknown-mentions": (case_unknown_mentions, 400, 10, "unknown mentions"),
    "alias-storm": (case_alias_storm, 50, 5, "entries (input ~ n^2)"),
    "deep-yaml": (case_deep_yaml, 4000, 10, "nesting depth"),
}


def run(gloss, root, timeout):
    """Wall seconds, peak RSS in MiB, exit code and stderr size of one check."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [gloss, "check", "--root", root],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return timeout, float("nan"), "timeout", 0
    wall = time.monotonic() - started
    # Reaped by communicate(): RUSAGE_CHILDREN now holds its peak (this
    # process runs one gloss only, see measure()).
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, rss, proc.returncode, len(err)


def measure(gloss, root, runs, timeout):
    """Median of `runs` runs, each in a fresh Python child so that
    RUSAGE_CHILDREN is that run's peak and not the largest so far."""
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--one", gloss, root, str(timeout)],
            capture_output=True,
            text=True,
            check=True,
        )
        wall, rss, code, err = out.stdout.split()
        results.append((float(wall), float(rss), code, int(err)))
    results.sort()
    return results[len(results) // 2]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    if len(sys.argv) == 5 and sys.argv[1] == "--one":
        wall, rss, code, err = run(sys.argv[2], sys.argv[3], float(sys.argv[4]))
        print(f"{wall:.3f} {rss:.1f} {code} {err}")
        return
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--gloss", help="the binary to measure (default: build target/release/gloss)")
    p.add_argument("--only", action="append", choices=sorted(CASES), help="run only this case")
    p.add_argument("--runs", type=int, default=1, help="runs per size (median)")
    p.add_argument("--timeout", type=float, default=300, help="seconds per run")
    p.add_argument("--seed", type=int, default=12)
    p.add_argument("--generate", metavar="DIR", help="only write the sites into DIR (for profiling)")
    args = p.parse_args()
    if args.generate:
        for name in args.only or list(CASES):
            gen, n, k, _ = CASES[name]
            for size in (n, n * k):
                root = os.path.join(args.generate, f"{name}-{size}")
                os.makedirs(root)
                write(os.path.join(root, "gloss.toml"), CONFIG)
                gen(root, size, random.Random(args.seed))
                print(root)
        return
    gloss = args.gloss
    if gloss is None:
        repo = os.path.dirname(here)
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=repo, check=True)
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(repo, "target"))
        gloss = os.path.join(target, "release", "gloss")
    gloss = os.path.abspath(gloss)
    work = tempfile.mkdtemp(prefix="gloss-robust.")
    try:
        print(f"gloss: {gloss}")
        print(
            "| case | n | size | wall s | peak MiB | stderr KiB | exit "
            "| 2nd size | wall s | peak MiB | stderr KiB | exit | size × | time × | RSS × |"
        )
        print("| --- " * 16 + "|")
        for name in args.only or list(CASES):
            gen, n, k, what = CASES[name]
            row = []
            for size in (n, n * k):
                root = os.path.join(work, f"{name}-{size}")
                os.makedirs(root)
                write(os.path.join(root, "gloss.toml"), CONFIG)
                gen(root, size, random.Random(args.seed))
                row.append(measure(gloss, root, args.runs, args.timeout))
                shutil.rmtree(root)
            (w1, r1, c1, e1), (w2, r2, c2, e2) = row
            # Below ~20 ms the figure is mostly process start-up: take 20 ms
            # as the floor so the ratio reflects the work, not the noise.
            ratio = max(w2, 0.02) / max(w1, 0.02)
            print(
                f"| {name} | {what} | {n:,} | {w1:.2f} | {r1:.0f} | {e1 / 1024:.0f} | {c1} "
                f"| {n * k:,} | {w2:.2f} | {r2:.0f} | {e2 / 1024:.0f} | {c2} "
                f"| {k} | {ratio:.1f} | {r2 / r1:.1f} |",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
