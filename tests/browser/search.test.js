// Search from file://: open search.html?q=…, and type in the box; the results lead to the
// right actor page. The actors are taken from the built data/actors.json, not hard-coded.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const lib = require("./lib");
const S = require("./selectors");

let browser;
let site;
let base;
let actors;

before(async () => {
  site = lib.copySite("search");
  const out = lib.build(site);
  base = lib.fileUrl(out) + "/";
  actors = lib.actorsWithBacklinks(lib.siteData(out).actors);
  assert.ok(actors.length >= 2, "the site needs two mentioned actors");
  browser = await lib.launch();
});

after(async () => {
  await browser?.close();
  lib.cleanup(site);
});

async function withPage(fn) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("requestfailed", (r) => errors.push(`failed: ${r.url()}`));
  try {
    await fn(page);
  } finally {
    await page.close();
  }
  assert.deepEqual(errors, []);
}

// Follows the result for `actor` and checks where it leads.
async function openResult(page, actor) {
  const link = page.locator(S.search.resultFor(actor.id)).first();
  await link.waitFor();
  await Promise.all([page.waitForEvent("framenavigated"), link.click()]);
  await page.waitForLoadState("load");
  assert.equal(page.url(), `${base}actors/${actor.id}.html`);
  assert.equal((await page.locator(S.heading).innerText()).trim(), actor.name);
}

test("search.html?q=<name> lists the actor, and its result opens the actor page", async () => {
  const actor = actors[0];
  await withPage(async (page) => {
    await page.goto(`${base}search.html?q=${encodeURIComponent(actor.name)}`);
    await page.locator(S.search.resultFor(actor.id)).first().waitFor();
    assert.equal(await page.locator(S.search.input).inputValue(), actor.name);
    const status = (await page.locator(S.search.status).innerText()).trim();
    assert.match(status, /\d+ results? for/);
    const results = await page.locator(S.search.results).allInnerTexts();
    assert.ok(results.length >= 1);
    await openResult(page, actor);
  });
});

test("typing in the box shows results as you type, and a nonsense word finds nothing", async () => {
  const actor = actors[1];
  await withPage(async (page) => {
    await page.goto(`${base}search.html`);
    const input = page.locator(S.search.input);
    await input.pressSequentially(actor.name, { delay: 20 });
    await page.locator(S.search.resultFor(actor.id)).first().waitFor();

    await input.fill("qzxjvw");
    await page.locator(S.search.status).filter({ hasText: "qzxjvw" }).waitFor();
    assert.equal(await page.locator(S.search.results).count(), 0);

    await input.fill(actor.name);
    await input.press("Enter");
    await openResult(page, actor);
  });
});
