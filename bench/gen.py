#!/usr/bin/env python3
"""Deterministic generator of news-style benchmark sites for gloss and Hugo.

    python3 bench/gen.py --articles N --out DIR [--annotated] [--seed S]

Writes, under DIR:

    gloss/        a gloss site: gloss.toml, content/articles/*.md (TOML front matter)
    hugo/         the same articles for Hugo: hugo.toml, content/articles/*.md, layouts/, static/
    gloss-plain/  (--annotated only) the plain twin of gloss/: same bodies, no glossary,
                  no [[sources]], [[notes]] or [[quotes]]

The article bodies are byte-for-byte the same in every tree and do not depend on --annotated:
they always mention people and organisations by name and always contain the sentences that the
annotations anchor on. --annotated adds a 2,000-entry glossary (content/glossary/<id>.md) and, in
each article's front matter, 3 [[sources]], ~5 [[quotes]] and ~5 [[notes]] whose anchors are copied
from that article's body and unique within it. Without --annotated, gloss/ is itself the plain site.

Everything is drawn from random.Random seeded by --seed (and the article's index), so the same
arguments always produce the same files.
"""

import argparse
import datetime
import os
import random
import shutil
import sys

# --------------------------------------------------------------------------------------------
# Vocabulary

NOUNS = """
agency airport alliance analyst appeal assembly audit authority ballot bank bid board border
bridge budget bureau cabinet campaign candidate capital case ceasefire chamber charter coalition
coast commission committee community company complaint contract convoy council county court
crisis crop currency customs deal debate debt decision deficit delegation deputy dispute district
doctor draft drought economy election embassy emergency energy envoy estate evacuation exchange
factory farm ferry festival fleet flood forecast forest framework fund grant harbour highway
hospital household housing industry inflation inquiry inspector institute insurer investor island
judge jury labour ledger license market mayor measure merger minister ministry mission motion
museum network newspaper office official operator opposition panel parliament party pension permit
pipeline plan platform police policy port power premier price prison programme project proposal
protest province rail railway rate reactor referendum reform region regulator report reserve
resident review river road ruling school sector senate settlement shipment shortage spokesman
station statute strike study subsidy summit supplier survey tariff tax teacher tender terminal
treaty tribunal tunnel union university valley vessel village vote wage warehouse water witness
worker
""".split()

ADJECTIVES = """
annual armed broad central civic coastal cold critical crowded daily damaged delayed domestic
early eastern economic emergency empty entire federal final fiscal foreign formal former fragile
full general global grim heavy hidden historic independent industrial initial internal joint key
large late legal limited local long main major maritime military modest national new northern
official old open ongoing overseas partial political poor popular preliminary private provincial
public quiet rapid rare recent regional remote rural second senior sharp short slow small southern
special stable strong sudden temporary tense total uneven urban vast visible weak western wide
""".split()

VERBS_PAST = """
approved blocked cancelled challenged criticised delayed defended demanded denied doubled
expanded extended halted increased launched limited opened ordered postponed praised proposed
questioned raised reduced rejected released reopened replaced reported restored reviewed revised
secured signed suspended supported threatened tightened unveiled warned welcomed withdrew
""".split()

VERBS_PRESENT = """
approves blocks cancels challenges delays defends demands denies doubles expands extends halts
launches opens orders postpones proposes questions raises reduces rejects reopens replaces
restores reviews revises secures signs suspends supports threatens tightens unveils warns
""".split()

ADVERBS = """
abruptly again already briefly carefully clearly eventually finally formally gradually largely
narrowly openly partly promptly publicly quietly quickly rarely recently sharply slowly steadily
strongly suddenly widely
""".split()

PREPS = "about across after against along among around before behind beyond despite during for from inside near over through toward under with within without".split()
DETS = ["the", "the", "the", "a", "its", "their", "this", "that", "every", "another"]
CONJ = ["and", "but", "while", "as", "although", "because", "after", "before", "until", "since"]
SAY = ["said", "told reporters", "said in a statement", "wrote", "argued", "added", "noted", "confirmed"]
COUNT_VERBS = ["counted", "recorded", "estimated", "reported", "logged", "listed", "tallied", "registered"]
QUANT_NOUNS = ["complaints", "households", "vessels", "workers", "tonnes", "permits", "claims",
               "passengers", "hectares", "jobs", "signatures", "contracts", "visits", "homes"]
QUOTE_OPENERS = ["We expect", "We have seen", "We will need", "Nobody expected", "We counted",
                 "There are now", "We lost", "The plan covers", "We still need", "They promised"]

FIRST_NAMES = """
Aaron Abigail Adam Adrian Aisha Alan Albert Alejandro Alice Amara Amelia Amir Ana Andrea Andrew
Anika Anna Anton Arjun Astrid Beatriz Benjamin Bianca Boris Bruno Camille Carla Carlos Caroline
Catherine Cecilia Chen Chiara Chloe Claire Clara Daniel Daria David Diana Dmitri Elena Elias
Elif Eliza Emil Emma Enrique Erik Esther Fatima Felix Fernando Fiona Francesca Gabriel Georg
Grace Gustavo Hana Hannah Hassan Hector Helen Hugo Ibrahim Ida Ines Irene Isaac Ivan Jakob
James Jana Javier Joan Johan Jonas Jorge Julia Julian Kaito Karin Kasia Katarina Kenji Laila
Lars Laura Leila Leon Lina Lucas Lucia Luis Magnus Maja Malik Marco Maria Marta Martin Mateo
Maya Mei Miguel Mila Mina Nadia Naomi Nikolai Nina Noah Nora Oliver Olga Omar Oscar Pablo Paula
Pedro Petra Pieter Priya Rafael Rania Ravi Rosa Ruth Samir Sara Sebastian Selma Simon Sofia
Stefan Tariq Teresa Thomas Tomas Ursula Valentina Vera Victor Viktor Wei Yara Yusuf Zainab Zofia
""".split()

LAST_NAMES = """
Abbott Acosta Adeyemi Ahmed Alvarez Andersen Arnaud Bakker Banerjee Barros Becker Bellini Berg
Bianchi Blom Bond Brandt Caldwell Campos Castro Chowdhury Costa Cruz Dahl Dalton Delgado Dubois
Duarte Eriksen Esposito Farouk Ferrari Fischer Fontaine Fraser Gallo Garcia Gomez Greco Gruber
Haddad Hansen Hartmann Hayes Hoffman Holm Horvat Ibarra Ivanova Jansen Jensen Kaya Keller Khan
Kimura Klein Kowalski Kraus Kumar Lambert Larsen Laurent Lindqvist Lopez Lund Maddox Mahmoud
Marino Marsh Medina Meyer Moreau Morales Moretti Mueller Nakamura Navarro Nielsen Novak Nowak
Okafor Olsen Ortega Osei Park Pereira Petrov Pham Popescu Quinn Ramos Reyes Ricci Rios Romano
Rossi Ruiz Saleh Santos Sato Schmidt Schneider Silva Sokolov Sorensen Stein Suzuki Tanaka Torres
Vargas Varga Vasquez Vidal Vogel Wagner Walsh Weber Wolff Yilmaz Young Zapata Zhang Ziegler
""".split()

ORG_PLACES = """
Ashford Bellmere Brackwater Calder Carrow Dunmore Eastvale Elmridge Fairhaven Farrowby Glenmoor
Greystone Harrowgate Highcliff Ironbridge Kestrel Kingsmere Lakeport Larkhill Marlow Meadowbank
Millbrook Northbridge Oakhurst Pinecrest Redwater Ridgeway Riverside Saltmarsh Silverton
Southgate Stonebury Thornfield Westhaven Whitcombe Wildmoor Windrush Woodvale Yarrow
""".split()

ORG_FIELDS = """
Transport Energy Water Health Housing Mining Shipping Fisheries Grain Rail Port Aviation Steel
Textile Timber Telecom Savings Insurance Pension Farmers Teachers Nurses Dockworkers Broadcasting
Media Heritage Forestry Customs Statistics Election Environment Defence Justice Finance Trade
""".split()

ORG_KINDS = """
Authority Council Commission Group Union Association Institute Agency Board Federation Trust
Company Cooperative Bureau Alliance Foundation Ministry Office Society Partnership
""".split()

ROLES_PERSON = [
    "minister of {f}", "deputy minister of {f}", "chief executive of {o}", "chair of {o}",
    "spokesperson for {o}", "senior analyst at {o}", "general secretary of {o}",
    "mayor of {p}", "governor of {p}", "judge at the {p} tribunal", "director of {o}",
    "economist at {o}", "head of research at {o}", "union organiser at {o}", "former chair of {o}",
]
TITLES_PERSON = ["Minister", "Director", "Judge", "Mayor", "Governor", "Dr.", "Professor", "Chair", "Senator"]

PUBLISHERS = """
Harbour-Gazette Northern-Courier Valley-Times Capital-Ledger Coastal-Herald Provincial-Record
Evening-Standard Morning-Post Daily-Dispatch Weekly-Observer Civic-Monitor Wire-Service
Regional-Review Business-Journal Public-Broadcaster Statistics-Office Court-Registry
Parliamentary-Record Budget-Office Audit-Bureau Trade-Bulletin Energy-Digest Farmers-Weekly
Union-Newsletter Transport-Review Health-Monitor Housing-Report Election-Commission
Customs-Bulletin Port-Authority
""".split()

TAGS = """
politics economy elections budget courts health housing transport energy climate agriculture
fisheries trade labour education defence diplomacy migration crime policing media technology
science culture heritage sport tourism infrastructure water mining shipping aviation rail banking
insurance pensions taxes inflation corruption protests human-rights environment weather floods
drought wildfires local-government parliament europe asia
""".split()
assert len(TAGS) == 50, len(TAGS)

LINK_HOSTS = ["www.example-news.com", "records.example.gov", "archive.example.org",
              "data.example.net", "press.example.com"]

CODE_RUST = [
    "use std::collections::HashMap;",
    "",
    "fn tally(votes: &[(&str, u32)]) -> HashMap<String, u32> {",
    "    let mut totals = HashMap::new();",
    "    for (district, count) in votes {",
    "        *totals.entry(district.to_string()).or_insert(0) += count;",
    "    }",
    "    totals",
    "}",
    "",
    "fn main() {",
    "    let totals = tally(&[(\"north\", 12), (\"south\", 7), (\"north\", 3)]);",
    "    println!(\"{:?}\", totals);",
    "}",
]
CODE_PYTHON = [
    "import csv",
    "from collections import Counter",
    "",
    "def tally(path):",
    "    \"\"\"Count the rows of a results file by district.\"\"\"",
    "    counts = Counter()",
    "    with open(path, newline=\"\") as f:",
    "        for row in csv.DictReader(f):",
    "            counts[row[\"district\"]] += int(row[\"votes\"])",
    "    return counts",
    "",
    "if __name__ == \"__main__\":",
    "    for district, votes in tally(\"results.csv\").most_common(5):",
    "        print(f\"{district:>12} {votes:8d}\")",
]


def slugify(s):
    out = []
    prev_dash = False
    for ch in s.lower():
        if ch.isalnum():
            out.append(ch)
            prev_dash = False
        elif not prev_dash:
            out.append("-")
            prev_dash = True
    return "".join(out).strip("-")


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_list(items):
    return "[" + ", ".join(toml_str(x) for x in items) + "]"


# --------------------------------------------------------------------------------------------
# Glossary (always generated: article bodies mention its names even without --annotated)


def make_glossary(seed, n_entries=2000, n_orgs=600):
    rng = random.Random(f"{seed}-glossary")
    used = set()  # every name and alias, so that no string points at two entries
    ids = set()
    orgs = []
    tries = 0
    while len(orgs) < n_orgs:
        tries += 1
        place = rng.choice(ORG_PLACES)
        field = rng.choice(ORG_FIELDS)
        kind = rng.choice(ORG_KINDS)
        name = f"{place} {field} {kind}"
        if name in used:
            continue
        used.add(name)
        oid = slugify(name)
        ids.add(oid)
        aliases = []
        acronym = place[0] + field[0] + kind[0]
        if rng.random() < 0.5 and acronym not in used:
            aliases.append(acronym)
            used.add(acronym)
        if rng.random() < 0.3:
            alt = f"{place} {field}"
            if alt not in used:
                aliases.append(alt)
                used.add(alt)
        orgs.append({
            "id": oid, "name": name, "kind": "organisation", "aliases": aliases,
            "role": f"{field.lower()} {kind.lower()} based in {place}",
            "place": place, "field": field, "affiliation": [],
        })
    for o in orgs:
        if rng.random() < 0.2:
            parent = rng.choice(orgs)
            if parent["id"] != o["id"]:
                o["affiliation"] = [parent["id"]]
    people = []
    while len(orgs) + len(people) < n_entries:
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        if name in used:
            # a middle initial keeps the name space large enough and stays realistic
            name = f"{first} {chr(65 + rng.randrange(26))}. {last}"
            if name in used:
                continue
        used.add(name)
        pid = slugify(name)
        if pid in ids:
            continue
        ids.add(pid)
        org = rng.choice(orgs)
        role = rng.choice(ROLES_PERSON).format(f=org["field"].lower(), o=org["name"], p=org["place"])
        aliases = []
        n_alias = rng.choice([0, 0, 1, 1, 1, 2])
        for title in rng.sample(TITLES_PERSON, n_alias):
            alias = f"{title} {name}"
            if alias not in used:
                aliases.append(alias)
                used.add(alias)
        people.append({
            "id": pid, "name": name, "kind": "person", "aliases": aliases, "role": role,
            "last": last, "affiliation": [org["id"]], "org": org["name"],
        })
    return people, orgs


def glossary_file(e, rng):
    lines = ["+++", f"name = {toml_str(e['name'])}", f"kind = {toml_str(e['kind'])}"]
    if e["aliases"]:
        lines.append(f"aliases = {toml_list(e['aliases'])}")
    lines.append(f"role = {toml_str(e['role'][0].upper() + e['role'][1:])}")
    if e["affiliation"]:
        lines.append(f"affiliation = {toml_list(e['affiliation'])}")
    if rng.random() < 0.25:
        lines.append(f'links = [{{ title = "Official page", url = "https://{slugify(e["name"])}.example.org/" }}]')
    lines.append("+++")
    if e["kind"] == "person":
        body = (f"{e['name']} is the {e['role']}. "
                f"Before taking the post, {e['name'].split()[0]} worked for several years in "
                f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} policy.\n")
    else:
        body = (f"The {e['name']} is a {e['role']}. "
                f"It was founded to oversee the {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} "
                f"of the region and publishes an annual report.\n")
    return "\n".join(lines) + "\n" + body


# --------------------------------------------------------------------------------------------
# Prose


class Prose:
    def __init__(self, rng):
        self.r = rng

    def np(self):
        r = self.r
        x = r.random()
        det = r.choice(DETS)
        if x < 0.45:
            s = f"{r.choice(ADJECTIVES)} {r.choice(NOUNS)}"
        elif x < 0.8:
            s = r.choice(NOUNS)
        else:
            s = f"{r.choice(NOUNS)} {r.choice(PREPS)} the {r.choice(NOUNS)}"
        if det == "a" and s[0] in "aeiou":
            det = "an"
        return f"{det} {s}"

    def clause(self, subject=None):
        r = self.r
        parts = [subject or self.np(), r.choice(VERBS_PAST)]
        if r.random() < 0.2:
            parts.insert(1, r.choice(ADVERBS))
        parts.append(self.np())
        if r.random() < 0.6:
            parts.append(f"{r.choice(PREPS)} {self.np()}")
        return " ".join(parts)

    def sentence(self, subject=None):
        r = self.r
        s = self.clause(subject)
        x = r.random()
        if x < 0.35:
            s += f", {r.choice(CONJ)} {self.clause()}"
        elif x < 0.5:
            s = f"{r.choice(PREPS).capitalize()} {self.np()}, {s}"
        return s[0].upper() + s[1:] + "."

    def headline(self):
        r = self.r
        h = f"{r.choice(ADJECTIVES).capitalize()} {r.choice(NOUNS)} {r.choice(VERBS_PRESENT)} {r.choice(NOUNS)}"
        if r.random() < 0.6:
            h += f" {r.choice(PREPS)} {r.choice(NOUNS)} {r.choice(NOUNS)}"
        return h

    def subhead(self):
        r = self.r
        return f"{r.choice(ADJECTIVES).capitalize()} {r.choice(NOUNS)} {r.choice(PREPS)} {r.choice(NOUNS)}"


def fmt_num(n):
    return f"{n:,}"


def make_article(seed, i, people, orgs, start_day, span_days):
    """Returns (name, meta, body, annotations). `body` never depends on --annotated."""
    r = random.Random(f"{seed}-article-{i}")
    p = Prose(r)
    title = p.headline()
    date = datetime.date.fromordinal(start_day + r.randrange(span_days))
    name = f"{slugify(title)}-{i:05d}"
    tags = r.sample(TAGS, r.randint(2, 4))

    # The article's cast: who it mentions (about 20 linkable mentions in all).
    cast_people = r.sample(people, r.randint(5, 8))
    cast_orgs = r.sample(orgs, r.randint(2, 4))
    cast = cast_people + cast_orgs
    mentioned = set()
    mentions = [0]

    def mention(e):
        mentions[0] += 1
        if e["id"] not in mentioned:
            mentioned.add(e["id"])
            return e["name"]
        x = r.random()
        if e["aliases"] and x < 0.4:
            return r.choice(e["aliases"])
        if e["kind"] == "person" and x < 0.55:
            mentions[0] -= 1  # a bare surname: realistic, but not a glossary name
            return e["last"]
        return e["name"]

    # Unique numbers: annotation anchors embed one each, so every anchor is unique in its
    # article by construction (no other text of the body contains a number of 4+ digits with
    # a thousands separator).
    numbers = r.sample(range(1000, 99999), 12)
    num_i = [0]

    def next_num():
        n = numbers[num_i[0]]
        num_i[0] += 1
        return fmt_num(n)

    n_quotes = r.randint(4, 6)
    n_notes = r.randint(4, 6)
    quotes = []   # (anchor, speaker id)
    notes = []    # anchor

    def quote_sentence():
        speaker = r.choice(cast_people)
        q = (f"{r.choice(QUOTE_OPENERS)} {next_num()} {r.choice(QUANT_NOUNS)} "
             f"{r.choice(PREPS)} the {r.choice(ADJECTIVES)} {r.choice(NOUNS)}")
        quotes.append((q, speaker["id"]))
        return f"\"{q},\" {mention(speaker)} {r.choice(SAY)}."

    def note_sentence():
        anchor = (f"{r.choice(COUNT_VERBS)} {next_num()} {r.choice(QUANT_NOUNS)} "
                  f"{r.choice(PREPS)} the {r.choice(ADJECTIVES)} {r.choice(NOUNS)}")
        notes.append(anchor)
        lead = r.choice(["Officials", "Inspectors", "Auditors", "Researchers", "Organisers", "Clerks"])
        tail = r.choice(["", f" last {r.choice(['year', 'month', 'week', 'spring', 'winter'])}",
                         f" {r.choice(PREPS)} {p.np()}"])
        return f"{lead} {anchor}{tail}."

    def name_sentence():
        e = r.choice(cast)
        x = r.random()
        if x < 0.4:
            return p.sentence(mention(e))
        if x < 0.7:
            s = p.sentence()
            return f"{s[:-1]}, {mention(e)} {r.choice(SAY)}."
        return f"According to {mention(e)}, {p.clause()}."

    # Plan the special sentences across the body.
    special = (["quote"] * n_quotes + ["note"] * n_notes + ["link"] * r.randint(2, 4)
               + ["footnote"] + ["emph"] * 3)
    target_words = r.randint(950, 1100)
    words = 0
    paras = []
    n_sections = r.randint(3, 5)
    n_paras = r.randint(9, 11)
    section_at = set(r.sample(range(2, n_paras), n_sections))
    blockquote_at = r.randrange(3, n_paras)
    list_at = r.randrange(3, n_paras) if r.random() < 0.33 else -1
    code_at = r.randrange(3, n_paras) if i % 10 == 3 else -1
    # Spread special sentences over paragraphs.
    slots = {}
    for kind in special:
        slots.setdefault(r.randrange(n_paras), []).append(kind)
    footnote_text = None
    pi = 0
    while pi < n_paras or words < target_words:
        if pi in section_at:
            paras.append(f"## {p.subhead()}")
        if pi == blockquote_at:
            speaker = r.choice(cast_people)
            bq = p.sentence()
            paras.append(f"> \"{bq[:-1]}, {p.clause().lower()}.\"\n>\n> — {mention(speaker)}, {speaker['role']}")
            words += len(bq.split()) * 2
        if pi == list_at:
            items = [f"- {p.sentence()}" for _ in range(r.randint(3, 5))]
            paras.append("\n".join(items))
            words += sum(len(x.split()) for x in items)
        if pi == code_at:
            lang, code = (("rust", CODE_RUST) if r.random() < 0.5 else ("python", CODE_PYTHON))
            paras.append(f"```{lang}\n" + "\n".join(code) + "\n```")
        kinds = slots.get(pi, [])
        n_sent = r.randint(3, 5)
        sents = []
        for _ in range(n_sent):
            if r.random() < 0.35:
                sents.append(name_sentence())
            else:
                sents.append(p.sentence())
        for kind in kinds:
            pos = r.randrange(len(sents) + 1)
            if kind == "quote":
                sents.insert(pos, quote_sentence())
            elif kind == "note":
                sents.insert(pos, note_sentence())
            elif kind == "link":
                host = r.choice(LINK_HOSTS)
                np_ = p.np()
                url = f"https://{host}/{date.year}/{date.month:02d}/{slugify(np_)}-{r.randrange(10000)}"
                sents.insert(pos, f"Details were set out in [{np_}]({url}) {r.choice(PREPS)} {p.np()}.")
            elif kind == "footnote":
                s = p.sentence()
                sents.insert(pos, s[:-1] + ".[^1]")
                footnote_text = p.sentence()
            elif kind == "emph":
                s = p.sentence().split(" ")
                k = r.randrange(1, len(s) - 1)
                s[k] = f"*{s[k]}*" if r.random() < 0.7 else f"**{s[k]}**"
                sents.insert(pos, " ".join(s))
        para = " ".join(sents)
        words += para.count(" ") + 1
        paras.append(para)
        pi += 1
    # Top up the names so that each article carries about 20 linkable mentions.
    extra = []
    while mentions[0] < 20:
        extra.append(name_sentence())
    if extra:
        para = " ".join(extra)
        paras.append(para)
    if footnote_text is None:  # cannot happen, but keep the footnote promise
        paras[-1] += "[^1]"
        footnote_text = p.sentence()
    paras.append(f"[^1]: {footnote_text}")
    body = "\n\n".join(paras) + "\n"
    summary = p.sentence()

    # Annotations (used only with --annotated).
    pubs = r.sample(PUBLISHERS, 3)
    sources = []
    for pub in pubs:
        sid = pub.lower()
        sd = date - datetime.timedelta(days=r.randrange(0, 5))
        sources.append({
            "id": sid, "title": p.headline(), "publisher": pub.replace("-", " "),
            "url": f"https://www.{sid}.example.com/{sd.year}/{sd.month:02d}/{sd.day:02d}/{name}",
            "date": sd.isoformat(),
        })
    ann = {"sources": sources, "quotes": [], "notes": []}
    for q, speaker in quotes:
        qd = {"anchor": q, "speaker": speaker}
        if r.random() < 0.6:
            qd["source"] = r.choice(sources)["id"]
        if r.random() < 0.3:
            qd["context"] = f"{p.subhead()} briefing"
        ann["quotes"].append(qd)
    for a in notes:
        nd = {"anchor": a}
        x = r.random()
        if x < 0.5:
            nd["source"] = r.choice(sources)["id"]
        if x > 0.3:
            nd["text"] = p.sentence()
        ann["notes"].append(nd)
    meta = {"title": title, "date": date.isoformat(), "tags": tags, "summary": summary}
    return name, meta, body, ann


def gloss_front(meta, ann=None):
    out = ["+++",
           f"title = {toml_str(meta['title'])}",
           f"date = {meta['date']}",
           f"summary = {toml_str(meta['summary'])}",
           f"tags = {toml_list(meta['tags'])}"]
    if ann:
        for s in ann["sources"]:
            out += ["", "[[sources]]",
                    f"id = {toml_str(s['id'])}",
                    f"title = {toml_str(s['title'])}",
                    f"publisher = {toml_str(s['publisher'])}",
                    f"url = {toml_str(s['url'])}",
                    f"date = {s['date']}"]
        for q in ann["quotes"]:
            out += ["", "[[quotes]]"] + [f"{k} = {toml_str(v)}" for k, v in q.items()]
        for n in ann["notes"]:
            out += ["", "[[notes]]"] + [f"{k} = {toml_str(v)}" for k, v in n.items()]
    out.append("+++")
    return "\n".join(out) + "\n"


def hugo_front(meta):
    return ("+++\n"
            f"title = {toml_str(meta['title'])}\n"
            f"date = {meta['date']}\n"
            f"summary = {toml_str(meta['summary'])}\n"
            f"tags = {toml_list(meta['tags'])}\n"
            "+++\n")


# --------------------------------------------------------------------------------------------
# Site skeletons

GLOSS_TOML = """title = "The Benchmark Courier"
base_url = "https://news.example.org/"
language = "en"
description = "Generated news articles for benchmarking gloss."
authors = ["Staff Reporter"]
paginate = 10
# Hugo builds no search index: the comparison is of the same work. run.sh
# measures gloss with its Pagefind index separately ("gloss search").
search = false
"""

HUGO_TOML = """baseURL = "https://news.example.org/"
title = "The Benchmark Courier"
locale = "en"
defaultContentLanguage = "en"
enableRobotsTXT = false
disableKinds = []
summaryLength = 70
pygmentsUseClasses = true

[params]
description = "Generated news articles for benchmarking gloss."
author = "Staff Reporter"

[pagination]
pagerSize = 10

[taxonomies]
tag = "tags"

# gloss's feeds carry the 20 latest articles; Hugo's default is every page.
[services.rss]
limit = 20

[outputs]
home = ["html", "rss"]
section = ["html", "rss"]
taxonomy = ["html", "rss"]
term = ["html", "rss"]

[markup.goldmark.renderer]
unsafe = false

[markup.goldmark.extensions]
footnote = true
table = true
strikethrough = true
taskList = true
typographer = true
linkify = false

[markup.highlight]
noClasses = false
codeFences = true
guessSyntax = false
"""

HUGO_LAYOUTS = {
    "layouts/_default/baseof.html": """<!DOCTYPE html>
<html lang="{{ site.Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} | {{ site.Title }}{{ end }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ with .Summary }}{{ . | plainify }}{{ else }}{{ site.Params.description }}{{ end }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "css/site.css" | relURL }}">
<link rel="stylesheet" href="{{ "css/syntax.css" | relURL }}">
{{- range .AlternativeOutputFormats }}
<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">
{{- end }}
</head>
<body>
<header class="site-header">
  <a class="site-title" href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
  <nav><a href="{{ "articles/" | relURL }}">Articles</a> <a href="{{ "tags/" | relURL }}">Topics</a></nav>
</header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer"><p>&copy; {{ now.Year }} {{ site.Title }}. <a href="{{ "index.xml" | relURL }}">Feed</a></p></footer>
</body>
</html>
""",
    "layouts/_default/single.html": """{{ define "main" }}
<article class="article">
  <header>
    <h1>{{ .Title }}</h1>
    <p class="byline">By {{ site.Params.author }} &middot; <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time> &middot; {{ .ReadingTime }} min read</p>
    {{- with .GetTerms "tags" }}
    <ul class="tags">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
    {{- end }}
    {{- with .Params.summary }}<p class="summary">{{ . }}</p>{{ end }}
  </header>
  <div class="content">
  {{ .Content }}
  </div>
  <nav class="prev-next">
    {{- with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">&larr; {{ .LinkTitle }}</a>{{ end }}
    {{- with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .LinkTitle }} &rarr;</a>{{ end }}
  </nav>
</article>
{{ end }}
""",
    "layouts/_default/list.html": """{{ define "main" }}
<section class="list">
  <h1>{{ .Title }}</h1>
  {{- if eq .Kind "taxonomy" }}
  <ul class="terms">
  {{- range .Data.Terms.Alphabetical }}
    <li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
  {{- end }}
  </ul>
  {{- else }}
  <ol class="articles">
  {{- range .Pages }}
    <li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 Jan 2006" }}</time></li>
  {{- end }}
  </ol>
  {{- end }}
</section>
{{ end }}
""",
    "layouts/index.html": """{{ define "main" }}
<section class="home">
  <p class="description">{{ site.Params.description }}</p>
  {{- $pager := .Paginate (where site.RegularPages "Section" "articles") }}
  {{- range $pager.Pages }}
  <article class="teaser">
    <h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
    <p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
    {{- with .GetTerms "tags" }} &middot; {{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}{{ end }}</p>
    <p>{{ .Summary }}</p>
  </article>
  {{- end }}
  <nav class="pagination">
    {{- with $pager.Prev }}<a rel="prev" href="{{ .URL }}">Newer</a>{{ end }}
    <span>Page {{ $pager.PageNumber }} of {{ $pager.TotalPages }}</span>
    {{- with $pager.Next }}<a rel="next" href="{{ .URL }}">Older</a>{{ end }}
  </nav>
</section>
{{ end }}
""",
    # A JSON index, for a Hugo row with search; not built unless [outputs] asks for it.
    "layouts/index.json": """[
{{- range $i, $p := where site.RegularPages "Section" "articles" -}}
{{- if $i }},{{ end }}
{{ dict "title" $p.Title "url" $p.RelPermalink "date" ($p.Date.Format "2006-01-02") "tags" $p.Params.tags "summary" ($p.Summary | plainify) | jsonify }}
{{- end }}
]
""",
    "static/css/site.css": """body{font:17px/1.6 Georgia,serif;max-width:42rem;margin:0 auto;padding:1rem;color:#222}
.site-header{display:flex;justify-content:space-between;border-bottom:1px solid #ddd}
.site-title{font-weight:bold;text-decoration:none;color:inherit}
.tags{list-style:none;padding:0}.tags li{display:inline;margin-right:.5em}
blockquote{border-left:3px solid #ccc;margin-left:0;padding-left:1rem;color:#555}
.pagination{display:flex;gap:1rem}
""",
    "static/css/syntax.css": """.chroma{background:#f7f7f7}.chroma .k{color:#a71d5d}.chroma .s,.chroma .s2{color:#183691}
.chroma .c,.chroma .c1{color:#969896}.chroma .nf{color:#795da3}.chroma .mi{color:#0086b3}
""",
}


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--annotated", action="store_true")
    ap.add_argument("--seed", type=int, default=20240501)
    args = ap.parse_args()

    out = args.out
    trees = ["gloss", "hugo"] + (["gloss-plain"] if args.annotated else [])
    for t in trees:
        d = os.path.join(out, t)
        if os.path.exists(d):
            shutil.rmtree(d)
    gloss_dir = os.path.join(out, "gloss")
    plain_dir = os.path.join(out, "gloss-plain") if args.annotated else None
    hugo_dir = os.path.join(out, "hugo")
    for d in (gloss_dir, plain_dir):
        if d:
            os.makedirs(os.path.join(d, "content", "articles"))
            write(os.path.join(d, "gloss.toml"), GLOSS_TOML)
    os.makedirs(os.path.join(hugo_dir, "content", "articles"))
    write(os.path.join(hugo_dir, "hugo.toml"), HUGO_TOML)
    write(os.path.join(hugo_dir, "content", "articles", "_index.md"), '+++\ntitle = "Articles"\n+++\n')
    for rel, text in HUGO_LAYOUTS.items():
        p = os.path.join(hugo_dir, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        write(p, text)

    people, orgs = make_glossary(args.seed)
    if args.annotated:
        gdir = os.path.join(gloss_dir, "content", "glossary")
        os.makedirs(gdir)
        grng = random.Random(f"{args.seed}-glossary-files")
        for e in orgs + people:
            write(os.path.join(gdir, e["id"] + ".md"), glossary_file(e, grng))

    start = datetime.date(2017, 1, 1).toordinal()
    span = datetime.date(2024, 12, 31).toordinal() - start + 1
    total_words = 0
    for i in range(args.articles):
        name, meta, body, ann = make_article(args.seed, i, people, orgs, start, span)
        total_words += len(body.split())
        fname = name + ".md"
        write(os.path.join(gloss_dir, "content", "articles", fname),
              gloss_front(meta, ann if args.annotated else None) + body)
        if plain_dir:
            write(os.path.join(plain_dir, "content", "articles", fname), gloss_front(meta) + body)
        write(os.path.join(hugo_dir, "content", "articles", fname), hugo_front(meta) + body)
    n = max(args.articles, 1)
    print(f"gen.py: {args.articles} articles ({total_words / n:.0f} words each on average)"
          + (f", glossary of {len(people) + len(orgs)} entries" if args.annotated else "")
          + f" -> {', '.join(os.path.join(out, t) for t in trees)}", file=sys.stderr)


if __name__ == "__main__":
    main()
