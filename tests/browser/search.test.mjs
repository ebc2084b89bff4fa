// Sharded search in headless Chromium: search.html?q=… opened from file:// (and under a
// subpath over HTTP) on the search fixture plus filler articles (enough for several term
// shards). Reads the results, the marked snippets and which index files the page loaded:
// the manifest, the shards of the query's words and of the documents shown, nothing else.
// DOSSIER_BIN names the dossier binary (default target/release/dossier).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

let site, out, browser, manifest;

// Filler articles of made-up words (as tests/search.rs writes them).
function addFiller(dir, count) {
  const syllables = ["ka", "ro", "mi", "tal", "sen", "dor", "vi", "lu", "par", "en", "os", "ti",
    "ber", "na", "gu", "fa"];
  let seed = 7n;
  const next = (n) => {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return Number((seed >> 33n) % BigInt(n));
  };
  for (let i = 0; i < count; i++) {
    let body = "";
    for (let s = 0; s < 8; s++) {
      const words = [];
      for (let w = 0; w < 10; w++) {
        let word = "";
        const parts = 2 + next(2);
        for (let p = 0; p < parts; p++) word += syllables[next(16)];
        words.push(word);
      }
      const sentence = words.join(" ");
      body += sentence[0].toUpperCase() + sentence.slice(1) + ". ";
    }
    fs.writeFileSync(path.join(dir, "content", "articles", `filler-${i}.md`),
      `---\ntitle: "Filler report ${i}"\ndate: 2022-01-01\n---\n${body}\n`);
  }
}

function dossierBin() {
  const bin = path.resolve(REPO, process.env.DOSSIER_BIN || "target/release/dossier");
  if (!fs.existsSync(bin)) {
    throw new Error(`dossier binary not found at ${bin}: cargo build --release, or set DOSSIER_BIN`);
  }
  return bin;
}

// The data a shard file registers.
function shard(name) {
  const text = fs.readFileSync(path.join(out, "assets", "search", `${name}.js`), "utf8");
  const prefix = `dossierSearchShard("${name}",`;
  assert.ok(text.startsWith(prefix), name);
  return JSON.parse(text.slice(prefix.length, text.lastIndexOf(");")));
}

// The term shards a word loads: the longest key that begins it, and for the last word
// of a query that ends in it (three letters or more) the longer keys it begins, when
// there are at most two.
function termShards(word, last = false) {
  const chars = Array.from(word);
  let own = 0;
  for (let n = chars.length; n >= 0; n--) {
    const i = manifest.terms.indexOf(chars.slice(0, n).join(""));
    if (i >= 0) { own = i; break; }
  }
  const longer = manifest.terms
    .map((k, i) => (i !== own && k.startsWith(word) ? `t${i}` : null))
    .filter(Boolean);
  return [`t${own}`, ...(last && chars.length >= 3 && longer.length <= 2 ? longer : [])];
}

function docShard(href) {
  const docs = [];
  for (let i = 0; i * manifest.per < manifest.docs; i++) docs.push(...shard(`d${i}`));
  const n = docs.findIndex((d) => d[1] === href);
  assert.ok(n >= 0, href);
  return `d${Math.floor(n / manifest.per)}`;
}

before(async () => {
  site = fs.mkdtempSync(path.join(os.tmpdir(), "dossier-search-"));
  fs.cpSync(path.join(REPO, "tests", "fixtures", "site-search"), site, { recursive: true });
  // The working tree's templates and theme override the binary's embedded copies.
  for (const folder of ["templates", "theme"]) {
    fs.cpSync(path.join(REPO, folder), path.join(site, folder), { recursive: true });
  }
  addFiller(site, 300);
  out = path.join(site, "public");
  execFileSync(dossierBin(), ["--quiet", "build", "--output", out], { cwd: site, stdio: "pipe" });
  manifest = shard("m");
  assert.ok(manifest.terms.length >= 3, "the fixture needs several term shards");
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ARGS });
});

after(async () => {
  await browser?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

// Opens `url`, waits for the results; returns what the page shows and the index files it loaded.
async function search(url) {
  const page = await browser.newPage();
  const errors = [];
  const requested = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (r) => requested.push(r.url()));
  try {
    await page.goto(url);
    await page.waitForSelector("html[data-search-done]", { timeout: 10000 });
    const ms = await page.evaluate(() => performance.now());
    const status = (await page.locator("#search-status").innerText()).trim();
    const results = await page.locator("#results > li").evaluateAll((items) =>
      items.map((li) => ({
        href: li.querySelector("a").getAttribute("href"),
        snippet: li.querySelector(".snippet a")?.getAttribute("href") || null,
        marks: [...li.querySelectorAll("p mark")].map((m) => m.textContent),
        text: li.querySelector("p")?.textContent || "",
      })));
    const loaded = requested
      .map((u) => new URL(u).pathname.match(/\/assets\/search\/(\w+)\.js$/))
      .filter(Boolean)
      .map((m) => m[1])
      .sort();
    assert.deepEqual(errors, []);
    return { status, results, loaded, ms, page };
  } catch (e) {
    await page.close();
    throw e;
  }
}

function fileUrl(rel) {
  return pathToFileURL(path.join(out, rel)).href;
}

test("an alias with punctuation, as typed and without it, finds the actor first", async (t) => {
  for (const q of ["U.S.", "US"]) {
    const r = await search(fileUrl("search.html") + "?q=" + encodeURIComponent(q));
    await r.page.close();
    assert.equal(r.results[0].href, "actors/united-states.html", q);
    assert.ok(r.results.some((x) => x.href === "sources/carrier-moves-east.html"), q);
    assert.match(r.status, /^\d+ results? for/);
    const expected = new Set(["m", ...termShards("us"), ...r.results.map((x) => docShard(x.href))]);
    assert.deepEqual(r.loaded, [...expected].sort(), `${q} loads only its shards`);
    // Reported, not asserted: a shared, loaded machine makes any bound flaky.
    t.diagnostic(`${q}: first results ${Math.round(r.ms)} ms after navigation`);
  }
});

test("a word one letter off finds the actor, and says what it searched", async () => {
  const r = await search(fileUrl("search.html") + "?q=nasralah");
  await r.page.close();
  assert.equal(r.results[0].href, "actors/hassan-nasrallah.html");
  assert.match(r.status, /searched \u201cnasrallah\u201d for \u201cnasralah\u201d/);
  const speech = r.results.find((x) => x.href === "sources/speech-in-beirut.html");
  assert.ok(speech && speech.marks.includes("Nasrallah"), JSON.stringify(r.results));
  // The manifest, the word's own shard, the typo lists of its letter, the correction's shard.
  assert.ok(r.loaded.includes("m") && r.loaded.includes(termShards("nasrallah")[0]), r.loaded.join());
  const typo = r.loaded.filter((n) => n.startsWith("f"));
  assert.ok(typo.length >= 1 && typo.length <= 3, r.loaded.join());
  for (const f of typo) assert.match(manifest.typo[Number(f.slice(1))], /^n\d+$/);
});

test("two words find the source with both, its sentence shown with the words marked", async () => {
  const r = await search(fileUrl("search.html") + "?q=" + encodeURIComponent("carrier strike"));
  await r.page.close();
  assert.deepEqual(r.results.map((x) => x.href), ["sources/carrier-moves-east.html"]);
  assert.deepEqual(r.results[0].marks, ["carrier", "strike"]);
  assert.equal(r.results[0].snippet, "sources/carrier-moves-east.html#p-1");
  const expected = new Set(["m", ...termShards("carrier"), ...termShards("strike", true),
    docShard("sources/carrier-moves-east.html")]);
  assert.deepEqual(r.loaded, [...expected].sort());
});

test("the header box on any page opens search.html?q=… with the results", async () => {
  const page = await browser.newPage();
  try {
    await page.goto(fileUrl("actors/united-states.html"));
    await page.fill("#site-q", "Haniyeh");
    await Promise.all([page.waitForEvent("framenavigated"), page.press("#site-q", "Enter")]);
    await page.waitForSelector("html[data-search-done]");
    assert.match(page.url(), /\/search\.html\?q=Haniyeh$/);
    const first = await page.locator("#results > li a").first().getAttribute("href");
    assert.equal(first, "actors/ismail-haniyeh.html");
  } finally {
    await page.close();
  }
});

test("under a subpath over HTTP the shards load the same", async () => {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/^\/sub\//, "");
    const file = path.resolve(out, rel);
    if (!file.startsWith(out + path.sep) || !fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
    const type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "text/html";
    res.writeHead(200, { "content-type": type });
    res.end(fs.readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address();
    const r = await search(`http://127.0.0.1:${port}/sub/search.html?q=hanieh`);
    await r.page.close();
    assert.equal(r.results[0].href, "actors/ismail-haniyeh.html");
  } finally {
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
});
