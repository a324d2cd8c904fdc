#!/usr/bin/env python3
"""Times `gloss import --dry-run` of a 2,000-word news article.

The article is generated: paragraphs in the style of the import fixtures
(speakers, pronouns, split quotes, outlet attributions), with names drawn
from fixed lists, so every run imports the same text. Prints the median and
the fastest of N runs of the whole process (start, read, import, print).

    python3 bench/import.py [path/to/gloss] [runs]
"""
import os, statistics, subprocess, sys, tempfile, time

FIRST = ["Mara", "Tomas", "Ilse", "Petra", "Rosa", "Daniel", "Hana", "Ivo", "Dana", "Jonas", "Lena", "Omar"]
LAST = ["Lind", "Berg", "Varga", "Holm", "Quint", "Marsh", "Olsen", "Brandt", "Ooi", "Pell", "Fischer", "Haddad"]
ORGS = ["Coastal Research Institute", "Ministry of Water", "Union of Rail Drivers", "Valley Freight Company", "Chamber of Small Traders"]
OUTLETS = ["Reuters", "the Harbour Gazette", "the Northern Ledger", "the Valley Courier"]

def paragraph(i):
    a = f"{FIRST[i % 12]} {LAST[(i * 5) % 12]}"
    org = ORGS[i % len(ORGS)]
    out = OUTLETS[i % len(OUTLETS)]
    forms = [
        f"{a}, a researcher at the {org}, told {out} that the figures for the year had been revised twice since the spring.",
        f"\u201cWe measured the tide at the north quay every morning for a month,\u201d she said. \u201cThe numbers do not lie.\u201d",
        f"\u201cNobody here is against the plan, but nobody has explained it either,\u201d said {a}, who runs a shop near the harbour.",
        f"According to a report by the {org}, repairs would cost about four million euros and take two summers to finish.",
        f"{LAST[(i * 5) % 12]} said the council had been warned in writing, and that the letters had gone unanswered for months.",
        f"The {org} said in a statement that it would publish its own survey before the end of the year, {out} reported.",
    ]
    return forms[i % len(forms)]

def article():
    paras, words, i = [], 0, 0
    while words < 2000:
        p = paragraph(i)
        paras.append(p)
        words += len(p.split())
        i += 1
    text = "Harbour repairs stall as council and ministry trade blame\n\nBy Ana Reyes\n\nMarch 4, 2026\n\n" + "\n\n".join(paras) + "\n\nShare this:\nFacebook\nTwitter\n\nLeave a Reply\n"
    return text, words

def main():
    gloss = sys.argv[1] if len(sys.argv) > 1 else "target/release/gloss"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    text, words = article()
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "content", "articles"))
        with open(os.path.join(d, "gloss.toml"), "w") as f:
            f.write('title = "Bench"\nbase_url = "https://bench.example.org/"\n')
        path = os.path.join(d, "story.txt")
        with open(path, "w") as f:
            f.write(text)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([gloss, "--root", d, "import", path, "--dry-run", "--format", "json"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - t)
        print(f"import of a {words}-word article ({runs} runs): median {statistics.median(times) * 1000:.1f} ms, fastest {min(times) * 1000:.1f} ms")

if __name__ == "__main__":
    main()
