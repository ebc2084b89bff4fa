#!/usr/bin/env python3
"""dossier's benchmark (standard library only).

    bench/run.py [--sizes 1000,10000,50000] [--dossier PATH] [--serve] [--hostile] [--no-hugo]

Builds the release binary (unless --dossier is given), generates each corpus with
bench/generate.py (cached in bench/corpus/ by its parameters), runs `dossier build
--verbose` on it, then again over that output (a rebuild, unchanged content), and prints,
per size: the time of each stage of both, the total, peak memory,
the output's size and number of files, the largest HTML page and the largest asset,
and PASS/FAIL against the targets of issue #8. When `hugo` is on PATH it builds the
same articles with Hugo and prints dossier's time over Hugo's.

Mentions: each corpus comes with the mentions its generator wrote; the run fails (exit
1) when dossier's data/actors.json disagrees, printing the first differences. A failed
build fails the run too. Missing a target only prints FAIL (exit 1 with --strict).

--serve (at 10,000 articles, or the size given with --serve-size) times `dossier serve`
from a file's save to the reload event: a profile's summary, an article's text, a new
alias; 5 times each (--serve-repeats), median printed, with the server's own rebuild
time. `--sizes '' --serve` times serve alone, building no corpus.
--hostile builds the hostile inputs of issue #11, each with a time limit (--timeout).
"""

import argparse
import json
import os
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CACHE = os.path.join(HERE, "corpus")
sys.path.insert(0, HERE)
import generate  # noqa: E402  (beside this file)

MIB = 1024 * 1024
# Actors for each number of articles (issue #8's pairs), and for others a tenth.
ACTORS = {1000: 300, 10000: 1000, 50000: 3000}
# Targets of issue #8 at (articles, actors): seconds, MiB.
BUILD_TARGETS = {(10000, 1000): (2.5, 500), (50000, 3000): (12.0, 2048)}
QUERY_LIMIT = 500_000  # issue #10: a one- or two-word query loads ≤ 500 KB at 50k
PAGE_LIMIT = 1_000_000  # docs/site.md: no HTML page over 1 MB at 50,000 sources
SERVE_TARGETS = {"profile saved": 0.150, "article saved": 0.150, "alias added": 1.0}
HOSTILE_BUDGETS = {"long-line": (5.0, 1024)}


# ---- running a command, with its time and peak memory ----

class Run:
    def __init__(self, rc, wall, cpu, peak_kib, stdout, stderr, timed_out):
        self.rc, self.wall, self.cpu, self.peak_kib = rc, wall, cpu, peak_kib
        self.stdout, self.stderr, self.timed_out = stdout, stderr, timed_out

    @property
    def peak_mib(self):
        return self.peak_kib / 1024


def measure(cmd, timeout=None, cwd=None):
    """Runs `cmd`; its wall time and its own peak RSS (os.wait4: this child only)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, start_new_session=True)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return Run(proc.returncode, wall, cpu, usage.ru_maxrss, out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"), timed_out.is_set())


def dossier_binary(args):
    if args.dossier:
        return os.path.abspath(args.dossier)
    print("building the release binary (cargo build --release)…", flush=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return os.path.join(ROOT, "target", "release", "dossier")


# ---- corpora, cached by their parameters ----

def corpus(articles, actors, seed):
    path = os.path.join(CACHE, f"a{articles}-m{actors}-s{seed}-g{generate.GENERATOR_VERSION}")
    return cached(path, ["--articles", str(articles), "--actors", str(actors), "--seed", str(seed)])


def hostile_corpus(shape):
    path = os.path.join(CACHE, f"hostile-{shape}-g{generate.GENERATOR_VERSION}")
    return cached(path, ["--hostile", shape])


def cached(path, gen_args):
    done = os.path.join(path, "complete")
    if not os.path.exists(done):
        print(f"generating {os.path.relpath(path, ROOT)}…", flush=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py")] + gen_args + [path],
                       check=True)
        open(done, "w").close()
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    return path


# ---- one build and what it wrote ----

STAGE = re.compile(r"^\s+([a-z][\w-]*)\s+([\d.]+)\s*ms\s*$")


def stages(stdout):
    return [(m.group(1), float(m.group(2))) for m in map(STAGE.match, stdout.splitlines()) if m]


def output_stats(out):
    files, total = 0, 0
    page, asset, listing = ("", 0), ("", 0), ("", 0)
    for base, _, names in os.walk(out):
        for name in names:
            path = os.path.join(base, name)
            size = os.path.getsize(path)
            rel = os.path.relpath(path, out)
            files += 1
            total += size
            if name.endswith(".html") and size > page[1]:
                page = (rel, size)
            if rel.startswith("assets" + os.sep) and size > asset[1]:
                asset = (rel, size)
            if is_listing(rel) and size > listing[1]:
                listing = (rel, size)
    graph = os.path.join(out, "graph.html")
    return {"files": files, "bytes": total, "page": page, "asset": asset, "listing": listing,
            "graph": os.path.getsize(graph) if os.path.exists(graph) else 0}


def is_listing(rel):
    """The listing pages: actors, sources and their numbered or yearly pages, outlets."""
    parts = rel.split(os.sep)
    return rel.endswith(".html") and (
        parts[0] in ("actors.html", "sources.html", "graph.html")
        or parts[0] == "sources" and len(parts) == 2 and not parts[1][0].isalpha()
        or parts[0] == "outlets")


def search_budget(out):
    """What a search loads in headless Chromium (bench/search_budget.mjs), or why not."""
    here = os.path.dirname(os.path.abspath(__file__))
    modules = os.path.join(here, "..", "tests", "browser", "node_modules", "playwright-core")
    if not shutil.which("node") or not os.path.exists("/usr/bin/chromium") or not os.path.isdir(modules):
        return None, "search budget skipped: needs node, /usr/bin/chromium and `npm ci --prefix tests/browser`"
    proc = subprocess.run(["node", os.path.join(here, "search_budget.mjs"), out],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        return None, f"search budget failed: {proc.stderr[-1000:]}"
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return rows, None


def mention_differences(corpus_dir, out):
    """Where data/actors.json and the generator's mentions disagree, in words."""
    with open(os.path.join(corpus_dir, "expected-mentions.json"), encoding="utf-8") as f:
        expected = json.load(f)
    paragraphs_path = os.path.join(corpus_dir, "expected-paragraphs.json")
    with open(paragraphs_path, encoding="utf-8") as f:
        expected_pars = json.load(f)
    with open(os.path.join(out, "data", "actors.json"), encoding="utf-8") as f:
        actual_list = json.load(f)
    actual, actual_pars = {}, {}
    for actor in actual_list:
        for m in actor.get("mentions", []):
            actual.setdefault(actor["id"], {})[m["source"]] = m["count"]
            actual_pars.setdefault(actor["id"], {})[m["source"]] = m.get("paragraphs")
    diffs = []
    for aid in sorted(set(expected) | set(actual)):
        exp, act = expected.get(aid, {}), actual.get(aid, {})
        for sid in sorted(set(exp) | set(act)):
            if exp.get(sid) != act.get(sid):
                diffs.append(f"{aid} in {sid}: expected {exp.get(sid, 'no mention')}, "
                             f"data/actors.json has {act.get(sid, 'no mention')}")
            else:
                want = expected_pars.get(aid, {}).get(sid)
                got = actual_pars.get(aid, {}).get(sid)
                if want is not None and got is not None and want != got:
                    diffs.append(f"{aid} in {sid}: expected paragraphs {short(want)}, "
                                 f"data/actors.json has {short(got)}")
    return diffs


def short(items, n=8):
    return "[" + ", ".join(map(str, items[:n])) + (", …]" if len(items) > n else "]")


# Seconds to wait after deleting a previous output before a first build. ext4 without a
# journal (this machine's) skips every inode freed in the last 30–55 s one by one when it
# allocates a new one, so a build right after deleting 60,000 files spends seconds in the
# kernel; a reader's first build does not follow a mass deletion (and a rebuild over the
# previous output links its unchanged files instead of creating them).
SETTLE = 60


def build(dossier, corpus_dir, timeout, settle=SETTLE):
    out = os.path.join(corpus_dir, "public")
    if os.path.exists(out):
        many = sum(len(fs) for _, _, fs in os.walk(out)) > 1000
        shutil.rmtree(out)
        if settle and many:
            print(f"  (waiting {settle} s after deleting the previous output: see SETTLE)", flush=True)
            time.sleep(settle)
    return build_over(dossier, corpus_dir, timeout), out


def build_over(dossier, corpus_dir, timeout):
    """A build into the corpus's public/ as it is: over the previous output, if any."""
    out = os.path.join(corpus_dir, "public")
    return measure([dossier, "build", "--verbose", "--content", os.path.join(corpus_dir, "content"),
                    "--output", out], timeout=timeout)


def human(n):
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


# ---- Hugo on the same articles ----

def full_date(d):
    parts = d.split("-")
    while len(parts) < 3:
        parts.append("01")
    return "-".join(parts)


HUGO_SITE_VERSION = 2  # bump when hugo_site() writes something else
FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def hugo_site(corpus_dir):
    """The corpus's articles as a minimal Hugo site: the same Markdown bodies, the actors
    as a taxonomy (a page per actor listing its sources, as dossier's backlinks do)."""
    site = os.path.join(corpus_dir, "hugo")
    done = os.path.join(site, f"complete-{HUGO_SITE_VERSION}")
    if os.path.exists(done):
        return site
    if os.path.exists(site):
        shutil.rmtree(site)
    with open(os.path.join(corpus_dir, "expected-mentions.json"), encoding="utf-8") as f:
        expected = json.load(f)
    actors_of = {}
    for aid, by_source in expected.items():
        for sid in by_source:
            actors_of.setdefault(sid, []).append(aid)
    posts = os.path.join(site, "content", "posts")
    os.makedirs(posts)
    layouts = os.path.join(site, "layouts", "_default")
    os.makedirs(layouts)
    with open(os.path.join(site, "config.toml"), "w") as f:
        f.write('baseURL = "https://bench.example.org/"\ntitle = "bench"\npaginate = 50\n'
                'disableKinds = ["sitemap"]\n'
                '[outputs]\n  home = ["HTML", "RSS"]\n  section = ["HTML"]\n'
                '  taxonomy = ["HTML"]\n  term = ["HTML"]\n'
                '[taxonomies]\n  actor = "actors"\n')
    page = ('<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
            '<body><h1>{{ .Title }}</h1>{{ with .Params.outlet }}<p>{{ . }}</p>{{ end }}'
            '{{ .Content }}<ul>{{ range .GetTerms "actors" }}<li><a href="{{ .RelPermalink }}">'
            '{{ .LinkTitle }}</a></li>{{ end }}</ul></body></html>\n')
    listing = ('<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
               '<body><h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href="'
               '{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>'
               '{{ end }}</ul><p>{{ with .Paginator.Prev }}<a href="{{ .URL }}">newer</a>{{ end }} '
               '{{ with .Paginator.Next }}<a href="{{ .URL }}">older</a>{{ end }}</p></body></html>\n')
    with open(os.path.join(layouts, "single.html"), "w") as f:
        f.write(page)
    with open(os.path.join(layouts, "list.html"), "w") as f:
        f.write(listing)
    articles = os.path.join(corpus_dir, "content", "articles")
    for name in sorted(os.listdir(articles)):
        sid = name[:-3]
        with open(os.path.join(articles, name), encoding="utf-8") as f:
            text = f.read()
        m = FRONT.match(text)
        body = text[m.end():]
        fm = []
        for line in m.group(1).split("\n"):
            key, _, value = line.partition(": ")
            if key == "date":
                fm.append(f"date: {full_date(value)}")
            elif key == "url":
                fm.append(f"source_url: {value}")  # `url` sets the page's address in Hugo
            elif key in ("actors",):
                continue
            else:
                fm.append(line)
        tags = sorted(actors_of.get(sid, []))
        if tags:
            fm.append("actors: [" + ", ".join(tags) + "]")
        with open(os.path.join(posts, name), "w", encoding="utf-8") as f:
            f.write("---\n" + "\n".join(fm) + "\n---\n" + body)
    open(done, "w").close()
    return site


def hugo_build(corpus_dir, timeout):
    site = hugo_site(corpus_dir)
    out = os.path.join(site, "public")
    if os.path.exists(out):
        shutil.rmtree(out)
    return measure(["hugo", "--quiet", "--source", site, "--destination", out,
                    "--cacheDir", os.path.join(site, ".cache")], timeout=timeout)


# ---- serve: from a save to the reload event ----

class Events:
    """The server-sent event stream, read on a thread: (time, version) per event."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        # serve answers only requests for its own address and port (DNS rebinding).
        self.sock.sendall(f"GET /__dossier/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                          "Accept: text/event-stream\r\n\r\n".encode())
        self.sock.settimeout(None)
        self.queue = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        buf, head = b"", True
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            now = time.perf_counter()
            buf += chunk
            if head:
                if b"\r\n\r\n" not in buf:
                    continue
                buf = buf.split(b"\r\n\r\n", 1)[1]
                head = False
            while b"\n\n" in buf:
                event, buf = buf.split(b"\n\n", 1)
                for line in event.decode().split("\n"):
                    if line.startswith("data: "):
                        self.queue.put((now, line[6:]))

    def next(self, timeout):
        return self.queue.get(timeout=timeout)

    def drain(self):
        n = 0
        while True:
            try:
                self.queue.get_nowait()
                n += 1
            except queue.Empty:
                return n

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def most_mentioned(corpus_dir):
    with open(os.path.join(corpus_dir, "expected-mentions.json"), encoding="utf-8") as f:
        expected = json.load(f)
    actor = max(sorted(expected), key=lambda a: sum(expected[a].values()))
    article = max(sorted(expected[actor]), key=lambda s: expected[actor][s])
    return actor, article


# The server's line after a rebuild.
REBUILT = r"(?:rebuilt \d+ pages?|nothing changed) in (\d+) ms"


def serve_timing(dossier, corpus_dir, repeats, timeout):
    """Median seconds from a save to the reload event, per kind of edit."""
    work = tempfile.mkdtemp(prefix="dossier-bench-serve-")
    content = os.path.join(work, "content")
    shutil.copytree(os.path.join(corpus_dir, "content"), content)
    actor, article = most_mentioned(corpus_dir)
    profile = os.path.join(content, "actors", actor + ".yaml")
    article_path = os.path.join(content, "articles", article + ".md")
    port = free_port()
    log = []
    proc = subprocess.Popen([dossier, "serve", "--content", content, "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    served = threading.Event()

    def follow():
        nonlocal port
        for line in proc.stdout:
            log.append((time.perf_counter(), line.rstrip("\n")))
            m = re.search(r"at http://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
                served.set()
    threading.Thread(target=follow, daemon=True).start()
    events = None
    results = {}
    try:
        started = time.perf_counter()
        if not served.wait(timeout):
            raise RuntimeError(f"dossier serve did not start within {timeout} s")
        print(f"  serve: first build and start in {time.perf_counter() - started:.1f} s", flush=True)
        events = Events(port)
        _, version = events.next(10)  # the version now

        def edit_profile_summary(k):
            return rewrite(profile, lambda t: re.sub(r"(?m)^summary: .*$",
                                                     f'summary: "Revised summary {k} of the benchmark."', t))

        def edit_article(k):
            return rewrite(article_path, lambda t: t + f"\nAnalysts said talks would resume, edit {k}.\n")

        def add_alias(k):
            alias = f'"Benchalias {chr(ord("a") + k)}"'

            def change(t):
                if re.search(r"(?m)^aliases: \[", t):
                    return re.sub(r"(?m)^aliases: \[", f"aliases: [{alias}, ", t, count=1)
                return re.sub(r"(?m)^(kind: .*)$", f"\\1\naliases: [{alias}]", t, count=1)
            return rewrite(profile, change)

        for label, edit in [("profile saved", edit_profile_summary), ("article saved", edit_article),
                            ("alias added", add_alias)]:
            times, rebuilds, extra = [], [], 0
            for k in range(repeats):
                time.sleep(0.3)
                extra += events.drain()
                before = len(log)
                t0 = edit(k)
                try:
                    when, new = events.next(timeout)
                except queue.Empty:
                    raise RuntimeError(f"no reload event within {timeout} s after: {label}")
                if new == version:
                    raise RuntimeError(f"reload event with the old version after: {label}")
                version = new
                times.append(when - t0)
                # The server prints its line after the reload event: wait for it.
                for _ in range(200):
                    if any(re.match(REBUILT, line) for _, line in log[before:]):
                        break
                    time.sleep(0.01)
                for _, line in log[before:]:
                    m = re.match(REBUILT, line)
                    if m:
                        rebuilds.append(int(m.group(1)))
            time.sleep(0.5)
            extra += events.drain()
            results[label] = (statistics.median(times), times, rebuilds, extra)
    finally:
        if events:
            events.close()
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)
    return results


def rewrite(path, change):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    new = change(text)
    t0 = time.perf_counter()
    with open(path, "w", encoding="utf-8") as f:
        f.write(new)
    return t0


# ---- the report ----

def pass_fail(ok):
    return "PASS" if ok else "FAIL"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--sizes", default="1000,10000,50000",
                   help="numbers of articles, comma-separated (actors: 300, 1000, 3000, else a tenth)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dossier", help="the binary to time (default: cargo build --release)")
    p.add_argument("--serve", action="store_true", help="time serve's reload at --serve-size")
    p.add_argument("--serve-size", type=int, default=10000)
    p.add_argument("--serve-repeats", type=int, default=5)
    p.add_argument("--hostile", action="store_true", help="build the hostile inputs of issue #11")
    p.add_argument("--no-hugo", action="store_true", help="skip Hugo even when it is installed")
    p.add_argument("--hugo-timeout", type=float, default=900, help="seconds before a Hugo build is stopped")
    p.add_argument("--timeout", type=float, default=120, help="seconds before a hostile build is stopped")
    p.add_argument("--settle", type=float, default=SETTLE,
                   help="seconds to wait after deleting a previous output before a first build (see SETTLE)")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    dossier = dossier_binary(args)
    hugo = None if args.no_hugo else shutil.which("hugo")
    version = subprocess.run([dossier, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{version or dossier}; {os.cpu_count()} cores; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")

    failed, missed = False, []
    rows, per_article = [], {}
    for n in sizes:
        actors = ACTORS.get(n, max(10, n // 10))
        cdir = corpus(n, actors, args.seed)
        run, out = build(dossier, cdir, timeout=None, settle=args.settle)
        rebuild = build_over(dossier, cdir, timeout=None) if run.rc == 0 else run
        if run.rc != 0 or rebuild.rc != 0:
            bad = run if run.rc != 0 else rebuild
            which = "build" if run.rc != 0 else "rebuild over the first output"
            print(f"\n{n} articles: dossier {which} failed (exit {bad.rc}):\n{bad.stderr[-3000:]}")
            failed = True
            continue
        st = output_stats(out)
        diffs = mention_differences(cdir, out)
        if diffs:
            failed = True
            print(f"\n{n} articles: data/actors.json disagrees with the generator in {len(diffs)} places:")
            for d in diffs[:10]:
                print("  " + d)
        per_article[n] = run.wall / n
        checks = []
        target = BUILD_TARGETS.get((n, actors))
        if target:
            checks.append((f"build ≤ {target[0]} s", run.wall <= target[0]))
            checks.append((f"peak ≤ {target[1]} MiB", run.peak_mib <= target[1]))
        if n == 50000 and 10000 in per_article:
            ratio = per_article[50000] / per_article[10000]
            checks.append((f"per article ×{ratio:.2f} of 10k (≤ 1.2)", ratio <= 1.2))
        checks.append(("pages ≤ 1 MB", st["page"][1] <= PAGE_LIMIT))
        checks.append(("listings and graph < 1 MB", max(st["listing"][1], st["graph"]) < PAGE_LIMIT))
        rows_q, why = search_budget(out)
        if rows_q:
            summary = rows_q[-1]
            checks.append(("a query loads ≤ 500 KB", summary["max_query_bytes"] <= QUERY_LIMIT))
            checks.append(("index files ≤ 1 MB", summary["largest_index_bytes"] <= PAGE_LIMIT))
            checks.append(("every query finds", summary["all_found"]))
            checks.append(("results shown < 300 ms", summary["max_ms"] < 300))
        checks.append(("mentions agree", not diffs))
        missed += [f"{n} articles: {c}" for c, ok in checks if not ok]
        print(f"\n{n} articles, {actors} actors: {run.wall:.2f} s ({run.cpu:.2f} s CPU), {run.peak_mib:.0f} MiB peak, "
              f"{st['files']} files, {human(st['bytes'])}", flush=True)
        rebuilt = dict(stages(rebuild.stdout))
        print(f"  {'stage':<9} {'build':>12} {'rebuild':>12}")
        for name, ms in stages(run.stdout):
            again = f"{rebuilt[name]:9.1f} ms" if name in rebuilt else "–"
            print(f"  {name:<9} {ms:>9.1f} ms {again:>12}")
        print(f"  rebuild over the first output: {rebuild.wall:.2f} s ({rebuild.cpu:.2f} s CPU), "
              f"{rebuild.peak_mib:.0f} MiB peak")
        print(f"  largest page  {st['page'][0]} ({human(st['page'][1])})")
        print(f"  largest asset {st['asset'][0]} ({human(st['asset'][1])})")
        print(f"  largest listing {st['listing'][0]} ({human(st['listing'][1])}); graph.html {human(st['graph'])}")
        for q in rows_q or []:
            if q.get("summary"):
                print(f"  search index: largest file {q['largest_index_file']} ({human(q['largest_index_bytes'])})")
            else:
                print(f"  search {q['query']!r}: {q['files']} files, {human(q['bytes'])} loaded "
                      f"(largest {q['largest']} {human(q['largest_bytes'])}), {q['results']} results, "
                      f"{q['ms']} ms to results")
        if why:
            print(f"  {why}")
        sys.stdout.flush()
        hugo_run = hugo_build(cdir, timeout=args.hugo_timeout) if hugo else None
        rows.append((n, actors, run, rebuild, st, checks, hugo_run))
        if hugo_run:
            if hugo_run.timed_out:
                print(f"  hugo          TIMEOUT after {args.hugo_timeout:.0f} s")
            elif hugo_run.rc == 0:
                print(f"  hugo          {hugo_run.wall:.2f} s ({hugo_run.cpu:.2f} s CPU), "
                      f"{hugo_run.peak_mib:.0f} MiB peak; dossier ÷ hugo = {run.wall / hugo_run.wall:.2f} "
                      f"(CPU {run.cpu / hugo_run.cpu:.2f})")
            else:
                print(f"  hugo failed (exit {hugo_run.rc}): {hugo_run.stderr[-500:]}")
        for c, ok in checks:
            print(f"  {pass_fail(ok)}  {c}")

    if rows:
        names = []
        for _, _, run, _, _, _, _ in rows:
            for name, _ in stages(run.stdout):
                if name not in names:
                    names.append(name)
        print("\n| articles | actors | " + " | ".join(f"{s} ms" for s in names) +
              " | total s | CPU s | rebuild s | rebuild CPU s | peak MiB | output | files | largest page"
              " | largest asset | hugo s | ÷ hugo | targets |")
        print("|" + "---|" * (len(names) + 14))
        for n, actors, run, rebuild, st, checks, hugo_run in rows:
            times = dict(stages(run.stdout))
            hugo_s = f"{hugo_run.wall:.2f}" if hugo_run and hugo_run.rc == 0 else "–"
            ratio = f"{run.wall / hugo_run.wall:.2f}" if hugo_run and hugo_run.rc == 0 else "–"
            verdict = ", ".join(f"{pass_fail(ok)} {c}" for c, ok in checks)
            print(f"| {n} | {actors} | " + " | ".join(f"{times[s]:.0f}" if s in times else "–" for s in names) +
                  f" | {run.wall:.2f} | {run.cpu:.2f} | {rebuild.wall:.2f} | {rebuild.cpu:.2f} | {run.peak_mib:.0f} | {human(st['bytes'])} | {st['files']} | "
                  f"`{st['page'][0]}` {human(st['page'][1])} | `{st['asset'][0]}` {human(st['asset'][1])} | "
                  f"{hugo_s} | {ratio} | {verdict} |")

    if args.serve:
        n = args.serve_size
        cdir = corpus(n, ACTORS.get(n, max(10, n // 10)), args.seed)
        print(f"\nserve at {n} articles: save → reload event, median of {args.serve_repeats}")
        try:
            results = serve_timing(dossier, cdir, args.serve_repeats, timeout=600)
        except RuntimeError as e:
            print(f"  serve failed: {e}")
            failed = True
            results = {}
        for label, (median, times, rebuilds, extra) in results.items():
            limit = SERVE_TARGETS[label]
            ok = median <= limit
            if not ok:
                missed.append(f"serve {label}: {median * 1000:.0f} ms > {limit * 1000:.0f} ms")
            server = f"; server's rebuild {statistics.median(rebuilds)} ms" if rebuilds else ""
            extra_note = f"; {extra} extra reload event(s)" if extra else ""
            print(f"  {label:<14} {median * 1000:7.0f} ms  (each: {', '.join(f'{t * 1000:.0f}' for t in times)}"
                  f"{server}{extra_note})  {pass_fail(ok)} ≤ {limit * 1000:.0f} ms")

    if args.hostile:
        print(f"\nhostile inputs (issue #11), time limit {args.timeout:.0f} s")
        for shape in generate.HOSTILE:
            hdir = hostile_corpus(shape)
            size = sum(os.path.getsize(os.path.join(b, f)) for b, _, fs in
                       os.walk(os.path.join(hdir, "content")) for f in fs)
            run, out = build(dossier, hdir, timeout=args.timeout, settle=args.settle)
            budget = HOSTILE_BUDGETS.get(shape)
            if run.timed_out:
                status = "TIMEOUT"
            elif run.rc != 0:
                status = f"exit {run.rc}: {run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ''}"
            else:
                diffs = mention_differences(hdir, out)
                status = "ok, mentions agree" if not diffs else f"mentions disagree: {diffs[0]}"
                if diffs:
                    failed = True
            verdict = ""
            if budget:
                ok = not run.timed_out and run.rc == 0 and run.wall <= budget[0] and run.peak_mib <= budget[1]
                verdict = f"  {pass_fail(ok)} ≤ {budget[0]:.0f} s, ≤ {budget[1]} MiB"
                if not ok:
                    missed.append(f"hostile {shape}: budget")
            print(f"  {shape:<16} {human(size):>9}  {run.wall:7.2f} s ({run.cpu:6.2f} s CPU)  "
                  f"{run.peak_mib:7.0f} MiB  {status}{verdict}",
                  flush=True)
            if os.path.exists(out):
                shutil.rmtree(out)

    if missed:
        print("\ntargets missed:\n  " + "\n  ".join(missed))
    if failed:
        print("\nFAILED: a build failed or the mentions disagree")
        return 1
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
