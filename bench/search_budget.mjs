// What a search loads on a built site, measured in headless Chromium from file://:
//
//     node bench/search_budget.mjs PUBLIC_DIR
//
// Queries: the most-mentioned person's full name (the longest postings of any name), that
// name's last word alone, the same with a typo (one letter changed), a two-word query
// of two actors' last words, and "Nasrallah" (a person the generator names so). For
// each, prints the index files the page loaded (manifest, term, typo and document
// shards), their total size, the largest, the number of results and the time from
// navigation to the results shown (performance.now() when search.js marks them done,
// the median of three fresh pages; a loaded machine makes it longer). One JSON object
// per line, then a summary line; bench/run.py prints them.
// Needs the npm packages of tests/browser (playwright-core) and Debian's chromium.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "tests", "browser", "package.json"));
const { chromium } = require("playwright-core");

const out = path.resolve(process.argv[2] ?? "public");
const actors = JSON.parse(fs.readFileSync(path.join(out, "data", "actors.json"), "utf8"));
const byMentions = [...actors].sort((a, b) => b.mentions.length - a.mentions.length || a.id.localeCompare(b.id));
const person = byMentions.find((a) => a.kind === "person") ?? byMentions[0];
const lastWord = (a) => a.name.split(/\s+/).filter((w) => /\p{L}{4,}/u.test(w)).pop() ?? a.name;
const surname = lastWord(person);
// One letter changed in the middle: still within the typo distance search.js allows.
const mid = Math.floor(surname.length / 2);
const typo = surname.slice(0, mid) + (surname[mid] === "a" ? "e" : "a") + surname.slice(mid + 1);
const other = byMentions.find((a) => a.id !== person.id && lastWord(a) !== surname) ?? person;
const queries = [person.name, surname, typo, `${surname} ${lastWord(other)}`];
// The generator names one person Hassan Nasrallah: search for him as a reader would.
if (actors.some((a) => a.name === "Hassan Nasrallah") && !queries.includes("Nasrallah")) {
  queries.push("Nasrallah");
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const rows = [];

// Opens search.html?q=… in a fresh page; the index files it loaded, the results shown,
// and when they were shown.
async function open(q) {
  const page = await browser.newPage();
  // The moment search.js marks the results shown (performance.now(), from the start of
  // the navigation): reading it afterwards would add the round trip of the evaluation.
  await page.addInitScript(() => {
    const set = Element.prototype.setAttribute;
    Element.prototype.setAttribute = function (name, value) {
      if (name === "data-search-done" && window.__searchDone === undefined) {
        window.__searchDone = performance.now();
      }
      return set.call(this, name, value);
    };
  });
  const loaded = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.protocol === "file:" && /\/assets\/search\/\w+\.js$/.test(u.pathname)) {
      loaded.push(fileURLToPath(u));
    }
  });
  const url = `${pathToFileURL(path.join(out, "search.html")).href}?q=${encodeURIComponent(q)}`;
  await page.goto(url);
  await page.waitForSelector("html[data-search-done]", { timeout: 60000 });
  const ms = await page.evaluate(() => window.__searchDone);
  const results = await page.locator("#results > li").count();
  await page.close();
  return { loaded, results, ms };
}

try {
  for (const q of queries) {
    // Three fresh pages a query: the median time, and the files of the last.
    const times = [];
    let loaded = [];
    let results = 0;
    for (let run = 0; run < 3; run++) {
      const once = await open(q);
      times.push(once.ms);
      loaded = once.loaded;
      results = once.results;
    }
    const ms = times.sort((a, b) => a - b)[1];
    const sizes = loaded.map((f) => [path.basename(f), fs.statSync(f).size]);
    const bytes = sizes.reduce((s, [, n]) => s + n, 0);
    const largest = sizes.reduce((m, e) => (e[1] > m[1] ? e : m), ["", 0]);
    const row = { query: q, files: sizes.length, bytes, largest: largest[0], largest_bytes: largest[1], results, ms: Math.round(ms) };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
} finally {
  await browser.close();
}
const index = path.join(out, "assets", "search");
const largestFile = fs.readdirSync(index).map((f) => [f, fs.statSync(path.join(index, f)).size])
  .reduce((m, e) => (e[1] > m[1] ? e : m), ["", 0]);
console.log(JSON.stringify({
  summary: true,
  max_query_bytes: Math.max(...rows.map((r) => r.bytes)),
  max_ms: Math.max(...rows.map((r) => r.ms)),
  all_found: rows.every((r) => r.results > 0),
  largest_index_file: largestFile[0],
  largest_index_bytes: largestFile[1],
}));
