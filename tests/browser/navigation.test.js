// Following links by clicking, from file:// and from a build served under a subpath:
// front page → actor → a backlink's paragraph (scrolled to #p-N) → back → the source →
// the mention back to the actor.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const lib = require("./lib");
const S = require("./selectors");

let browser;
let site;

before(async () => {
  site = lib.copySite("nav");
  browser = await lib.launch();
});

after(async () => {
  await browser?.close();
  lib.cleanup(site);
});

// Watches a page for what must not happen: a failed request, a 4xx/5xx response
// (other than those listed in `allowed`), an uncaught script error.
function watch(page, allowed = []) {
  const problems = [];
  page.on("requestfailed", (r) => problems.push(`failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on("response", (r) => {
    if (r.status() >= 400 && !allowed.includes(r.url())) problems.push(`${r.status()}: ${r.url()}`);
  });
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  return problems;
}

// Clicks the link matched by `selector` and waits for the navigation it starts.
async function click(page, selector) {
  const link = page.locator(selector).first();
  await link.waitFor();
  await Promise.all([page.waitForEvent("framenavigated"), link.click()]);
  await page.waitForLoadState("load");
}

// Where paragraph `n` sits relative to the viewport, and whether it is the :target.
function paragraphPlace(page, n) {
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    if (!el) return null;
    const box = el.getBoundingClientRect();
    const scroller = document.scrollingElement;
    return {
      top: box.top,
      viewport: window.innerHeight,
      target: document.querySelector(":target") === el,
      atBottom: Math.ceil(scroller.scrollTop + window.innerHeight) >= scroller.scrollHeight - 1,
    };
  }, `p-${n}`);
}

// The walk itself; `base` is the site's root URL (ends with "/").
async function walk(page, base, data) {
  const candidates = lib.actorsWithBacklinks(data.actors);
  assert.ok(candidates.length > 0, "no actor has a backlink to a paragraph");

  await page.goto(base + "index.html");
  // The most mentioned actor with paragraph backlinks that the front page links to; if the
  // front page shows none of them, go through the actors listing.
  let actor = null;
  for (const a of candidates) {
    if ((await page.locator(S.actorLink(a.id)).count()) > 0) {
      actor = a;
      break;
    }
  }
  if (!actor) {
    await click(page, 'main a[href$="actors.html"]');
    actor = candidates[0];
  }
  await click(page, S.actorLink(actor.id));
  assert.equal(page.url(), `${base}actors/${actor.id}.html`);
  assert.equal((await page.locator(S.heading).innerText()).trim(), actor.name);

  // A backlink's passage lands on its paragraph, scrolled into view.
  const passage = page.locator(S.backlinkPassage).first();
  const href = await passage.getAttribute("href");
  const m = href.match(/sources\/([a-z0-9-]+)\.html#p-(\d+)$/);
  assert.ok(m, `unexpected backlink href ${href}`);
  const [, sourceId, n] = m;
  await click(page, S.backlinkPassage);
  assert.equal(page.url(), `${base}sources/${sourceId}.html#p-${n}`);
  const place = await paragraphPlace(page, n);
  assert.ok(place, `sources/${sourceId}.html has no #p-${n}`);
  assert.ok(place.target, `#p-${n} is not the :target`);
  assert.ok(
    place.top >= -1 && place.top < place.viewport,
    `#p-${n} is not in view (top ${place.top}, viewport ${place.viewport})`,
  );
  assert.ok(
    Math.abs(place.top) <= 2 || place.atBottom,
    `#p-${n} was not scrolled to the top (top ${place.top}) although the page could scroll`,
  );
  const mention = `${S.paragraph(n)} a[href$="actors/${actor.id}.html"]`;
  assert.ok((await page.locator(mention).count()) > 0, `#p-${n} does not link ${actor.id}`);

  // Back to the actor, then to the whole source by its title, then back by the mention.
  await page.goBack();
  assert.equal(page.url(), `${base}actors/${actor.id}.html`);
  await click(page, S.backlinkSource(sourceId));
  assert.equal(page.url(), `${base}sources/${sourceId}.html`);
  const title = data.sources.find((s) => s.id === sourceId)?.title;
  assert.ok(title, `${sourceId} is not in sources.json`);
  assert.equal((await page.locator(S.heading).innerText()).replace(/\s+/g, " ").trim(), title.replace(/\s+/g, " ").trim());
  await click(page, mention);
  assert.equal(page.url(), `${base}actors/${actor.id}.html`);
  assert.equal((await page.locator(S.heading).innerText()).trim(), actor.name);
}

test("file://: front page → actor → backlink paragraph → source → actor", async () => {
  const out = lib.build(site, "public-file");
  const data = lib.siteData(out);
  const page = await browser.newPage();
  const problems = watch(page);
  try {
    await walk(page, lib.fileUrl(out) + "/", data);
  } finally {
    await page.close();
  }
  assert.deepEqual(problems, []);
});

test("served under /kb/: the same walk, and the 404 page leads back into /kb/", async () => {
  let served;
  const page = await browser.newPage();
  try {
    served = await lib.serveStatic(path.join(site, "public-kb"), "/kb/");
    const out = lib.build(site, "public-kb", ["--base-url", served.url]);
    const data = lib.siteData(out);
    const missing = `${served.url}no-such-page.html`;
    const problems = watch(page, [missing]);
    const outside = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(served.url)) outside.push(r.url());
    });
    await walk(page, served.url, data);

    const response = await page.goto(missing);
    assert.equal(response.status(), 404);
    await click(page, S.notFoundActors);
    assert.equal(page.url(), `${served.url}actors.html`);
    assert.deepEqual(problems, []);
    assert.deepEqual(outside, [], "requests left the /kb/ subpath");
  } finally {
    await page.close();
    await lib.closeServer(served?.server);
  }
});
