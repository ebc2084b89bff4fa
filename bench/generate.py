#!/usr/bin/env python3
"""Deterministic corpus generator for dossier's benchmark (standard library only).

    bench/generate.py --articles N --actors M [--seed S] OUT_DIR
    bench/generate.py --hostile SHAPE OUT_DIR

writes a complete site folder, OUT_DIR/content/{site.yaml, actors/, articles/, outlets/},
that `dossier build --content OUT_DIR/content` accepts, and OUT_DIR/expected-mentions.json:
for each actor id, for each source id, the number of mentions dossier must report in
data/actors.json (the title counts, as paragraph 0; an actor tagged in `actors:` but never
named counts 0). OUT_DIR/expected-paragraphs.json holds the paragraph numbers of the same
mentions.

The mentions are known by construction, not found by searching the text afterwards.
Every actor name and alias contains at least one word of a pool of made-up words that
appear nowhere else; the text between two mention templates is drawn from a filler
vocabulary that holds none of those words nor any of the connecting words of multi-word
names ("of", "in", "Brigades", ...). So no alias can match across a template's edge, and
each template states what it contains: "Kata’ib Telimar" (a typographic apostrophe
matching the profile's ASCII one) is one mention, "Telimar Brigades in Varkonia" is one
mention of the actor with that alias (leftmost-longest), not one of Telimar and one of
Varkonia; "Telimar Brigadesmen" is a mention of Telimar only; "Varkonian", "telimar",
"`Telimar`", "[Telimar](…)" and "<b>Telimar</b>" are none (docs/mentions.md).
"""

import argparse
import json
import os
import random
import shutil
import sys

GENERATOR_VERSION = 2

ONSETS = ["b", "d", "f", "g", "h", "j", "k", "l", "m", "n", "r", "s", "t", "v", "z",
          "sh", "kh", "dr", "tr", "br", "gr", "qu", "th", "zh", "st"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ou", "ei", "ia"]
CODAS = ["", "", "", "n", "r", "l", "m", "s", "k", "d"]

# Words that may sit inside a multi-word name: never used as filler.
CONNECTORS = {"of", "in", "Brigades", "Brigadesmen", "Kata'ib", "Kata’ib", "Kataʼib",
              "Republic", "Harakat", "Front", "Movement", "Council", "Alliance", "Axis"}
ORG_SUFFIXES = ["Front", "Movement", "Council"]

FILLER = """
said would after officials forces border statement talks ceasefire attack strike
strikes rocket drone talks negotiations envoy minister leader group groups fighters
army military political support supply weapons report reports reported according
region regional war conflict week month year days night morning evening spokesman
spokeswoman delegation meeting met visit visited warned warning threatened claimed
denied confirmed announced rejected accepted proposal plan plans deal hostage hostages
prisoner prisoners exchange release aid convoy crossing south north east west coast
city town village camp refugees civilians casualties killed wounded injured launched
fired intercepted missile missiles air naval ship ships vessel vessels port sea
shipping route routes sanctions pressure diplomatic diplomats mediators mediation
truce pause agreement framework phase second first third final new old senior
junior commander commanders unit units operation operations cross strategic
coordination cooperation alliance front engagement escalation restraint response
retaliation deterrence campaign offensive defensive ground positions position area
areas territory lines frontline along across toward against between within without
under over near far large small major minor heavy light several many few some
the a an and or but while when where as it its their they them this that these those
to for from with by on at into onto
""".split()
assert not CONNECTORS & set(FILLER)
CAPITAL_STARTS = ["The", "According", "Officials", "Analysts", "Meanwhile", "Sources",
                  "Reports", "Later", "Earlier", "Diplomats", "Witnesses"]
TABLE_HEADS = [("Group", "Role"), ("Name", "Position"), ("Party", "Claim")]


def slug(text):
    out, dash = [], False
    for c in text.lower():
        if c.isascii() and c.isalnum():
            out.append(c)
            dash = False
        elif c in "'’ʼ":
            continue
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def yaml_str(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Words:
    """Made-up capitalized words, each handed out once."""

    def __init__(self, rng):
        self.rng = rng
        self.used = (set(CONNECTORS) | set(CAPITAL_STARTS) | {w for p in TABLE_HEADS for w in p}
                     | {"Hassan", "Nasrallah"})

    def new(self, min_syl=2, max_syl=3):
        while True:
            n = self.rng.randint(min_syl, max_syl)
            w = "".join(self.rng.choice(ONSETS) + self.rng.choice(VOWELS) + self.rng.choice(CODAS)
                        for _ in range(n)).capitalize()
            if len(w) >= 4 and w not in self.used:
                self.used.add(w)
                return w

    def free(self, w):
        """Whether `w` is no word of the pool (for words made to not match)."""
        return w not in self.used


class Actor:
    def __init__(self, ix, kind, name, aliases):
        self.ix = ix
        self.kind = kind
        self.name = name
        self.aliases = aliases
        self.id = slug(name)
        self.forms = []      # (text, [actor ix, ...]) plain text, fit for titles
        self.body_forms = []  # the same, needing Markdown or a line break
        self.negatives = []  # text that must not match, plain
        self.body_negatives = []  # text that must not match, Markdown
        self.relations = []
        self.country = None
        self.parent = None


def make_actors(rng, words, count):
    """Actors in kinds: states first, then coalitions, organizations (some with a
    sub-unit whose aliases overlap the parent's name), persons."""
    n_states = max(2, count * 5 // 100)
    n_coalitions = max(1, count * 2 // 100)
    n_persons = count * 45 // 100
    n_orgs = count - n_states - n_coalitions - n_persons
    actors = []

    def add(kind, name, aliases):
        a = Actor(len(actors), kind, name, aliases)
        actors.append(a)
        return a

    states = []
    for _ in range(n_states):
        w = words.new()
        states.append(add("state", w, [f"Republic of {w}"]))
    for _ in range(n_coalitions):
        w = words.new()
        add("coalition", f"Axis of {w}", [f"{w} Alliance"])
    orgs_left = n_orgs
    while orgs_left > 0:
        w = words.new()
        if orgs_left >= 2 and rng.random() < 0.12:
            parent = add("organization", w, [words.new()])
            s = rng.choice(states)
            child = add("organization", f"Kata'ib {w}", [f"{w} Brigades", f"{w} Brigades in {s.name}"])
            child.parent = parent
            child.country = s
            orgs_left -= 2
        else:
            style = rng.random()
            if style < 0.4:
                add("organization", w, [words.new()])
            elif style < 0.8:
                add("organization", f"{w} {rng.choice(ORG_SUFFIXES)}", [f"Harakat {w}"])
            else:
                add("organization", f"{w} {rng.choice(ORG_SUFFIXES)}", [])
            orgs_left -= 1
    for k in range(n_persons):
        first, last = words.new(2, 2), words.new(2, 3)
        if rng.random() < 0.2:
            name = f"{first} {words.new(1, 2)} {last}"
        else:
            name = f"{first} {last}"
        if k == 0:
            # One real name, so that the benchmark can search for "Nasrallah" as a reader
            # would (bench/search_budget.mjs); the random draws stay the same.
            first, last = "Hassan", "Nasrallah"
            name = f"{first} {last}"
        a = add("person", name, [last])
        a.first = first
    for a in actors:
        make_forms(a, actors, words, rng)
    return actors


def make_forms(a, actors, words, rng):
    me = [a.ix]
    f, bf, neg, bneg = a.forms, a.body_forms, a.negatives, a.body_negatives
    every = [a.name] + a.aliases
    for n in every:
        f.append((n, me))
        f.append((f"{n}’s", me))
        f.append((f"{n}'s", me))
        f.append((f"“{n}”", me))
        f.append((f"pro-{n}", me))
        neg.append(n.lower())
        bneg.append(f"`{n}`")
        bneg.append(f"[{n}](https://example.org/{slug(n)})")
        bneg.append(f"<b>{n}</b>")
        bneg.append(f"<span>{n} said</span>")
        bf.append((f"*{n}*", me))
        bf.append((f"**{n}**", me))
    f.append((f"{a.name}-backed", me))
    head = a.name.split()[-1]
    for suffix in ["n", "ian", "ite", "2"]:
        if words.free(head + suffix) and words.free(a.name + suffix):
            neg.append(a.name + suffix)
            break
    if " " in a.name:
        parts = a.name.split(" ")
        bf.append(("\n".join(parts), me))
        bf.append(("  ".join(parts), me))
        bf.append((parts[0] + "\n  " + " ".join(parts[1:]), me))
    if "'" in a.name:
        f.append((a.name.replace("'", "’"), me))
        f.append((a.name.replace("'", "ʼ") + "’s", me))
    if a.kind == "state":
        if words.free(a.name + "n"):
            neg.append(a.name + "n")  # the adjective: not the state
        f.append((f"Republic of {a.name}’s", me))
    if a.kind == "person":
        neg.append(a.first)  # a first name alone is no alias
        f.append((f"{a.first} {a.aliases[0]}", me))  # the middle name left out
    if a.parent is not None:
        p, s = a.parent, a.country
        w = p.name
        # Leftmost-longest: the sub-unit's long alias wins over the parent and the state.
        f.append((f"{w} Brigades in {s.name}", me))
        f.append((f"{w} Brigades in {s.name}’s", me))
        # The longest candidate is not a whole word: the next longest at that start.
        if words.free(s.name + "n"):
            f.append((f"{w} Brigades in {s.name}n", me))
        f.append((f"{w} Brigadesmen", [p.ix]))
        bf.append((f"{w}\nBrigades in\n{s.name}", me))
        bf.append((f"Kata’ib\n{w}", me))


def pick_cumulative(n, exponent=0.85):
    """Cumulative Zipf weights over `n` ranks."""
    cum, total = [], 0.0
    for r in range(n):
        total += 1.0 / (r + 1) ** exponent
        cum.append(total)
    return cum


class Text:
    """A document being written, with the mentions it holds."""

    def __init__(self):
        self.blocks = []
        self.paragraph = 0
        self.hits = []  # (actor ix, paragraph)

    def numbered(self, hits):
        self.paragraph += 1
        for h in hits:
            self.hits.append((h, self.paragraph))


class Writer:
    def __init__(self, rng, actors):
        self.rng = rng
        self.actors = actors
        self.cum = pick_cumulative(len(actors))
        self.order = list(range(len(actors)))
        rng.shuffle(self.order)  # popularity is not the kind order

    def pick_actor(self):
        return self.actors[self.order[self.rng.choices(range(len(self.actors)), cum_weights=self.cum)[0]]]

    def words(self, k):
        return self.rng.choices(FILLER, k=k)

    def sentence(self, cast, body=True, markdown=True):
        """A sentence naming some of `cast`: its tokens and its hits in order."""
        rng = self.rng
        tokens = [rng.choice(CAPITAL_STARTS)] + self.words(rng.randint(6, 16))
        if rng.random() < 0.3:
            i = rng.randrange(2, len(tokens))
            tokens[i] = tokens[i] + ","
        n_forms = rng.choice([0, 1, 1, 1, 2, 2, 3]) if cast else 0
        forms = []
        for _ in range(n_forms):
            a = rng.choice(cast)
            r = rng.random()
            if markdown and r < 0.12 and a.body_negatives:
                forms.append((rng.choice(a.body_negatives), []))
            elif r < 0.22 and a.negatives:
                forms.append((rng.choice(a.negatives), []))
            elif body and r < 0.40 and a.body_forms and markdown:
                forms.append(rng.choice(a.body_forms))
            elif r < 0.65:
                forms.append((a.name, [a.ix]))
            else:
                forms.append(rng.choice(a.forms))
        gaps = sorted(rng.sample(range(1, len(tokens) + 1), len(forms)), reverse=True)
        hits_at = []
        for gap, form in zip(gaps, forms):
            tokens.insert(gap, form[0])
            hits_at.append(form)
        # Hits in text order: gaps were filled from the end.
        hits = [h for form in reversed(hits_at) for h in form[1]]
        tokens[-1] = tokens[-1].rstrip(",") + "."
        return tokens, hits

    def paragraph(self, doc, cast):
        rng = self.rng
        tokens, hits = [], []
        for _ in range(rng.randint(2, 6)):
            t, h = self.sentence(cast)
            tokens += t
            hits += h
        width = rng.randint(60, 100)
        lines, line = [], ""
        for t in tokens:
            if line and len(line) + 1 + len(t) > width:
                lines.append(line)
                line = t
            else:
                line = f"{line} {t}" if line else t
        lines.append(line)
        doc.blocks.append("\n".join(lines))
        doc.numbered(hits)

    def heading(self, doc, cast):
        tokens, hits = self.sentence(cast, markdown=False)
        doc.blocks.append("## " + " ".join(tokens).rstrip("."))
        doc.numbered(hits)

    def tight_list(self, doc, cast):
        items = []
        for _ in range(self.rng.randint(2, 4)):
            tokens, hits = self.sentence(cast, body=False)
            items.append("- " + " ".join(tokens))
            doc.numbered(hits)
        doc.blocks.append("\n".join(items))

    def quote(self, doc, cast):
        tokens, hits = self.sentence(cast, body=False)
        doc.blocks.append("> " + " ".join(tokens))
        doc.numbered(hits)

    def table(self, doc, cast):
        h1, h2 = self.rng.choice(TABLE_HEADS)
        rows, hits = [f"| {h1} | {h2} |", "|---|---|"], []
        for _ in range(self.rng.randint(2, 4)):
            a = self.rng.choice(cast)
            form = self.rng.choice(a.forms)
            rows.append(f"| {form[0]} | {' '.join(self.words(3))} |")
            hits += form[1]
        doc.blocks.append("\n".join(rows))
        doc.numbered(hits)

    def code_block(self, doc, cast):
        names = " and ".join(a.name for a in cast[:3])
        doc.blocks.append(f"```\n{names} said\n{' '.join(self.words(5))}\n```")

    def html_block(self, doc, cast):
        doc.blocks.append(f"<div>\n{cast[0].name} said {' '.join(self.words(4))}.\n</div>")

    def article(self, long=False):
        rng = self.rng
        cast = []
        for _ in range(rng.randint(2, 9)):
            a = self.pick_actor()
            if a not in cast:
                cast.append(a)
        doc = Text()
        title_tokens, title_hits = self.sentence(cast[:2], body=False, markdown=False)
        title = " ".join(title_tokens).rstrip(".")
        doc.hits += [(h, 0) for h in title_hits]
        blocks = rng.randint(3, 10) if not long else rng.randint(60, 150)
        for _ in range(blocks):
            r = rng.random()
            if r < 0.72:
                self.paragraph(doc, cast)
            elif r < 0.78:
                self.heading(doc, cast)
            elif r < 0.84:
                self.tight_list(doc, cast)
            elif r < 0.88:
                self.quote(doc, cast)
            elif r < 0.91:
                self.table(doc, cast)
            elif r < 0.96:
                self.code_block(doc, cast)
            else:
                self.html_block(doc, cast)
        return title, doc, cast


def partial_date(rng, start_year=2023):
    y = rng.randint(start_year, 2026)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    r = rng.random()
    if r < 0.8:
        return f"{y}-{m:02d}-{d:02d}"
    if r < 0.93:
        return f"{y}-{m:02d}"
    return f"{y}"


def write_site_yaml(content, title):
    with open(os.path.join(content, "site.yaml"), "w", encoding="utf-8") as f:
        f.write(f"title: {yaml_str(title)}\n"
                "description: A generated corpus for dossier's benchmark.\n"
                "base_url: https://bench.example.org/\n"
                "repo_url: https://github.com/example/bench\n"
                "language: en\n")


def write_actor(content, a, rng, article_ids, actors):
    lines = [f"name: {yaml_str(a.name)}", f"kind: {a.kind}"]
    if a.aliases:
        lines.append("aliases: [" + ", ".join(yaml_str(x) for x in a.aliases) + "]")
    words = " ".join(rng.choices(FILLER, k=rng.randint(8, 20)))
    lines.append(f"summary: {yaml_str(words.capitalize() + '.')}")
    desc = []
    for _ in range(rng.randint(1, 3)):
        text = " ".join(rng.choices(FILLER, k=rng.randint(20, 60))).capitalize() + "."
        if a.relations and rng.random() < 0.5:
            other = actors[a.relations[0][1]]
            text += f" It is linked to [[{other.id}]]."
        desc.append("  " + text)
    lines.append("description: |")
    lines.append("\n\n".join(desc))
    key = "born" if a.kind == "person" else "founded"
    lines.append(f"{key}: {rng.randint(1940, 2010)}")
    lines.append("reviewed: 2026-11-21")
    if a.kind == "person":
        parts = a.name.split()
        lines.append(f"sort_name: {yaml_str(parts[-1] + ', ' + ' '.join(parts[:-1]))}")
    if a.country is not None:
        lines.append(f"country: {a.country.id}")
    if a.relations:
        lines.append("relations:")
        for kind, target in a.relations:
            lines.append(f"  - type: {kind}")
            lines.append(f"    target: {actors[target].id}")
            if rng.random() < 0.5:
                lines.append(f"    since: {partial_date(rng, 1980)}")
            if rng.random() < 0.3:
                lines.append(f"    note: {yaml_str(' '.join(rng.choices(FILLER, k=6)))}")
            srcs = rng.sample(article_ids, min(len(article_ids), rng.randint(1, 3)))
            lines.append("    sources: [" + ", ".join(srcs) + "]")
    lines.append(f"links: {{ wikidata: Q{100000 + a.ix}, wikipedia: \"https://en.wikipedia.org/wiki/{a.id}\" }}")
    srcs = rng.sample(article_ids, min(len(article_ids), rng.randint(0, 3)))
    if srcs:
        lines.append("sources: [" + ", ".join(srcs) + "]")
    with open(os.path.join(content, "actors", a.id + ".yaml"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


RELATIONS = {
    ("person", "organization"): ["leader-of", "member-of"],
    ("person", "state"): ["leader-of", "member-of"],
    ("person", "person"): ["ally-of", "opposes"],
    ("person", "coalition"): ["member-of"],
    ("organization", "state"): ["backed-by", "opposes"],
    ("organization", "organization"): ["ally-of", "opposes", "part-of", "backed-by"],
    ("organization", "coalition"): ["member-of"],
    ("state", "state"): ["ally-of", "opposes"],
    ("state", "coalition"): ["member-of"],
    ("coalition", "state"): ["backed-by", "opposes"],
    ("coalition", "coalition"): ["opposes"],
}


def add_relations(rng, actors, most=4):
    """Each actor relates to a few actors made before it: no pair is declared twice."""
    states = [a for a in actors if a.kind == "state"]
    for a in actors:
        if a.parent is not None:
            a.relations.append(("part-of", a.parent.ix))
        if a.ix == 0:
            continue
        targets = set(t for _, t in a.relations)
        for _ in range(rng.randint(0, most)):
            t = actors[rng.randrange(0, a.ix)]
            kinds = RELATIONS.get((a.kind, t.kind))
            if not kinds or t.ix in targets:
                continue
            targets.add(t.ix)
            a.relations.append((rng.choice(kinds), t.ix))
        if a.kind in ("person", "organization") and a.country is None and rng.random() < 0.6:
            a.country = rng.choice(states)


def write_outlets(content, rng, words, n):
    ids = []
    os.makedirs(os.path.join(content, "outlets"), exist_ok=True)
    for i in range(n):
        name = f"{words.new()} News"
        oid = slug(name)
        ids.append(oid)
        with open(os.path.join(content, "outlets", oid + ".yaml"), "w", encoding="utf-8") as f:
            f.write(f"name: {yaml_str(name)}\nurl: https://{oid}.example.org\n"
                    f"description: {yaml_str('A generated outlet.')}\n")
    return ids


def front_matter(title, article_id, rng, outlets, tags):
    fm = ["---", f"title: {yaml_str(title)}"]
    if rng.random() < 0.95:
        fm.append(f"date: {partial_date(rng)}")
    if outlets and rng.random() < 0.9:
        fm.append(f"outlet: {rng.choice(outlets)}")
    if rng.random() < 0.8:
        fm.append(f"url: https://news.example.org/{article_id}")
    if rng.random() < 0.3:
        fm.append("author: Staff writer")
    if tags:
        fm.append("actors: [" + ", ".join(tags) + "]")
    fm.append(f"summary: {yaml_str(' '.join(rng.choices(FILLER, k=12)).capitalize() + '.')}")
    fm.append("---")
    return "\n".join(fm) + "\n"


class Expected:
    def __init__(self):
        self.counts = {}
        self.paragraphs = {}

    def add(self, source, hits, actors, tags=()):
        for ix, par in hits:
            aid = actors[ix].id
            self.counts.setdefault(aid, {}).setdefault(source, 0)
            self.counts[aid][source] += 1
            self.paragraphs.setdefault(aid, {}).setdefault(source, set()).add(par)
        for aid in tags:
            self.counts.setdefault(aid, {}).setdefault(source, 0)
            self.paragraphs.setdefault(aid, {}).setdefault(source, set())

    def write(self, out):
        with open(os.path.join(out, "expected-mentions.json"), "w", encoding="utf-8") as f:
            json.dump(self.counts, f, sort_keys=True, indent=0)
        pars = {a: {s: sorted(p) for s, p in by.items()} for a, by in self.paragraphs.items()}
        with open(os.path.join(out, "expected-paragraphs.json"), "w", encoding="utf-8") as f:
            json.dump(pars, f, sort_keys=True, separators=(",", ":"))


def fresh(out):
    content = os.path.join(out, "content")
    if os.path.exists(content):
        shutil.rmtree(content)
    for sub in ("actors", "articles", "outlets"):
        os.makedirs(os.path.join(content, sub))
    return content


def generate(out, articles, actor_count, seed):
    rng = random.Random(seed)
    words = Words(rng)
    content = fresh(out)
    write_site_yaml(content, f"Benchmark: {articles} articles, {actor_count} actors")
    actors = make_actors(rng, words, actor_count)
    outlets = write_outlets(content, rng, words, max(3, articles // 250))
    writer = Writer(rng, actors)
    expected = Expected()
    article_ids = []
    for n in range(articles):
        long = rng.random() < 0.01
        title, doc, cast = writer.article(long)
        article_id = f"{slug(title)[:60].strip('-')}-{n}"
        article_ids.append(article_id)
        tags = []
        r = rng.random()
        if r < 0.1:
            tags.append(writer.pick_actor().id)  # mentioned or not: count 0 if not
        if r < 0.03:
            tags.append(cast[0].id)
        tags = sorted(set(tags))
        citation_only = rng.random() < 0.03
        if citation_only:
            doc.hits = [h for h in doc.hits if h[1] == 0]
            body = ""
        else:
            body = "\n\n".join(doc.blocks) + "\n"
        expected.add(article_id, doc.hits, actors, tags)
        with open(os.path.join(content, "articles", article_id + ".md"), "w", encoding="utf-8") as f:
            f.write(front_matter(title, article_id, rng, outlets, tags))
            f.write(body)
    add_relations(rng, actors)
    for a in actors:
        write_actor(content, a, rng, article_ids, actors)
    expected.write(out)


# ---- hostile inputs (issue #11) ----

def hostile_base(out, title):
    content = fresh(out)
    write_site_yaml(content, title)
    for aid, name, aliases in [("hamas", "Hamas", ["Harakat al-Muqawama al-Islamiya"]),
                               ("hezbollah", "Hezbollah", ["Hizballah"])]:
        with open(os.path.join(content, "actors", aid + ".yaml"), "w", encoding="utf-8") as f:
            f.write(f"name: {name}\nkind: organization\naliases: [{', '.join(aliases)}]\n"
                    "summary: Present in the hostile inputs.\n")
    return content


def write_article(content, aid, title, body):
    with open(os.path.join(content, "articles", aid + ".md"), "w", encoding="utf-8") as f:
        f.write(f"---\ntitle: {yaml_str(title)}\ndate: 2024-01-01\n---\n{body}")


HOSTILE = ["long-title", "many-paragraphs", "big-paragraph", "long-line", "big-graph"]


def hostile(out, shape):
    expected = Expected()
    names = {0: "hamas", 1: "hezbollah"}

    class A:
        def __init__(self, i):
            self.id = names[i]
    two = [A(0), A(1)]
    if shape == "long-title":
        content = hostile_base(out, "Hostile: a title of 40,000 names")
        write_article(content, "long-title", "Hamas " * 40000, "A short body.\n")
        expected.add("long-title", [(0, 0)] * 40000, two)
    elif shape == "many-paragraphs":
        content = hostile_base(out, "Hostile: 200,000 paragraphs")
        write_article(content, "many-paragraphs", "Paragraphs", "Hamas said.\n\n" * 200000)
        expected.add("many-paragraphs", [(0, p) for p in range(1, 200001)], two)
    elif shape == "big-paragraph":
        content = hostile_base(out, "Hostile: one 3 MB paragraph")
        line = "Hamas and Hezbollah met, and Hizballah’s envoy said Hamas would answer.\n"
        n = 3_000_000 // len(line.encode())
        write_article(content, "big-paragraph", "One paragraph", line * n)
        expected.add("big-paragraph", [(0, 1), (1, 1), (1, 1), (0, 1)] * n, two)
    elif shape == "long-line":
        content = hostile_base(out, "Hostile: a 10 MB line")
        unit = "Hamas and Hezbollah’s fighters; "
        n = 10_000_000 // len(unit.encode())
        write_article(content, "long-line", "One line", unit * n + "\n")
        expected.add("long-line", [(0, 1), (1, 1)] * n, two)
    elif shape == "big-graph":
        rng = random.Random(11)
        words = Words(rng)
        content = fresh(out)
        write_site_yaml(content, "Hostile: 20,000 related actors")
        actors = make_actors(rng, words, 20000)
        writer = Writer(rng, actors)
        ids = []
        for n in range(50):
            title, doc, cast = writer.article()
            aid = f"graph-{n}"
            ids.append(aid)
            expected.add(aid, doc.hits, actors)
            with open(os.path.join(content, "articles", aid + ".md"), "w", encoding="utf-8") as f:
                f.write(f"---\ntitle: {yaml_str(title)}\ndate: 2024-01-01\n---\n" + "\n\n".join(doc.blocks) + "\n")
        add_relations(rng, actors, most=3)
        for a in actors:
            write_actor(content, a, rng, ids, actors)
    else:
        sys.exit(f"unknown hostile shape {shape}; one of {', '.join(HOSTILE)}")
    expected.write(out)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=1000)
    p.add_argument("--actors", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--hostile", choices=HOSTILE)
    p.add_argument("out")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.hostile:
        hostile(args.out, args.hostile)
    else:
        if args.actors < 10:
            sys.exit("--actors: at least 10")
        generate(args.out, args.articles, args.actors, args.seed)


if __name__ == "__main__":
    main()
