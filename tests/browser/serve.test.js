// `dossier serve` in a browser: an edited profile reloads the open page with the new
// text; a broken profile shows the error page; fixing it shows the page again. All in a
// temp copy of the site, never the repository's content.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const lib = require("./lib");
const S = require("./selectors");

// The first `<id>.yaml` under `dir`, searching subfolders too.
function findProfile(dir, id) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findProfile(full, id);
      if (found) return found;
    } else if (entry.name === `${id}.yaml`) {
      return full;
    }
  }
  return null;
}

// The profile with its top-level `summary` (and the value's continuation lines) replaced
// by `summary: <text>`, or added after `name:` when it has none.
function withSummary(yaml, text) {
  const lines = yaml.split("\n");
  const out = [];
  let done = false;
  for (let i = 0; i < lines.length; i++) {
    if (!done && /^summary:/.test(lines[i])) {
      out.push(`summary: ${text}`);
      const indented = (l) => /^[ \t]+\S/.test(l ?? "");
      const blank = (l) => l !== undefined && l.trim() === "";
      while (indented(lines[i + 1]) || (blank(lines[i + 1]) && indented(lines[i + 2]))) i++;
      done = true;
    } else {
      out.push(lines[i]);
    }
  }
  if (!done) {
    const at = out.findIndex((l) => /^name:/.test(l));
    assert.ok(at >= 0, "the profile has no top-level name:");
    out.splice(at + 1, 0, `summary: ${text}`);
  }
  return out.join("\n");
}

test("serve: an edit reloads the page, a broken profile shows the error page, a fix restores it", async () => {
  const site = lib.copySite("serve");
  let served;
  let browser;
  try {
    served = await lib.startServe(path.join(site, "content"));
    const actors = await (await fetch(`${served.url}data/actors.json`)).json();
    const actor = lib.actorsWithBacklinks(actors)[0] ?? actors[0];
    const file = findProfile(path.join(site, "content", "actors"), actor.id);
    assert.ok(file, `no profile file for ${actor.id}`);
    const original = fs.readFileSync(file, "utf8");

    browser = await lib.launch();
    const page = await browser.newPage();
    await page.goto(`${served.url}actors/${actor.id}.html`);
    assert.equal((await page.locator(S.heading).innerText()).trim(), actor.name);

    // An edit: the open page reloads by itself and shows the new summary.
    const marker = `Summary edited by the browser test ${process.pid}`;
    const edited = withSummary(original, marker);
    fs.writeFileSync(file, edited);
    await page.locator(S.actorSummary, { hasText: marker }).waitFor({ timeout: 20000 });
    assert.equal(page.url(), `${served.url}actors/${actor.id}.html`);

    // A broken profile: the page turns into the error page, naming the file and line.
    const broken = edited.replace(/^kind: *\S+/m, "kind: persn");
    assert.notEqual(broken, edited, "the profile has no top-level kind:");
    fs.writeFileSync(file, broken);
    await page
      .locator(S.buildError.heading, { hasText: S.buildError.text })
      .waitFor({ timeout: 20000 });
    const errorText = await page.locator("body").innerText();
    assert.match(errorText, new RegExp(`${actor.id}\\.yaml:\\d+:\\d+`));
    assert.match(errorText, /persn/);

    // Fixed: the page is back, with the edited text.
    fs.writeFileSync(file, edited);
    await page.locator(S.actorSummary, { hasText: marker }).waitFor({ timeout: 20000 });
    assert.equal((await page.locator(S.heading).innerText()).trim(), actor.name);
    assert.equal(await page.locator(S.buildError.heading, { hasText: S.buildError.text }).count(), 0);
  } finally {
    await browser?.close();
    await lib.stop(served?.child);
    lib.cleanup(site);
  }
});
