// axe-core on every page type, in the light and the dark colour scheme: no violations.
// The actor page is checked with its YAML box open, the search page with results.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const lib = require("./lib");
const S = require("./selectors");

const AXE = require.resolve("axe-core/axe.min.js");

let browser;
let site;
let base;
let data;

// Enough extra articles mentioning one actor that its backlinks run to a second page
// (`actors/<id>/sources-2.html`, 25 sources a page), so that page type is checked too.
const PAGED_ACTOR = "hezbollah";
function addArticles(site, count) {
  for (let n = 1; n <= count; n++) {
    const day = String(n).padStart(2, "0");
    fs.writeFileSync(
      path.join(site, "content", "articles", `a11y-paging-${day}.md`),
      `---\ntitle: "Paging article ${n}"\ndate: 2025-01-${day}\n---\n\nHezbollah said something on day ${n}.\n`,
    );
  }
}

before(async () => {
  site = lib.copySite("a11y");
  addArticles(site, 30);
  const out = lib.build(site);
  base = lib.fileUrl(out) + "/";
  data = lib.siteData(out);
  browser = await lib.launch();
});

after(async () => {
  await browser?.close();
  lib.cleanup(site);
});

// One page of each type; `prepare` brings it to the state to check.
function pages() {
  const actor = lib.actorsWithBacklinks(data.actors)[0];
  // A source with a body (paragraphs), and an outlet that has sources.
  const source =
    data.sources.find((s) => data.actors.some((a) => a.mentions.some((m) => m.source === s.id && m.paragraphs.some((p) => p > 0)))) ??
    data.sources[0];
  const outlet = data.sources.find((s) => s.outlet)?.outlet;
  const outletId = typeof outlet === "object" && outlet ? outlet.id : outlet;
  assert.ok(actor && source && outletId, "the site needs an actor with backlinks, a source and an outlet");
  return [
    { name: "front page", path: "index.html" },
    { name: "actors listing", path: "actors.html" },
    {
      name: "actor page, YAML box open",
      path: `actors/${actor.id}.html`,
      prepare: async (page) => {
        await page.locator(S.profileYamlToggle).click();
        assert.equal(await page.locator(S.profileYaml).getAttribute("open"), "");
      },
    },
    { name: "backlinks, second page", path: `actors/${PAGED_ACTOR}/sources-2.html` },
    { name: "source page", path: `sources/${source.id}.html` },
    { name: "outlet page", path: `outlets/${outletId}.html` },
    { name: "sources listing", path: "sources.html" },
    { name: "graph", path: "graph.html" },
    {
      name: "search with results",
      path: `search.html?q=${encodeURIComponent(actor.name)}`,
      prepare: async (page) => {
        await page.locator(S.search.results).first().waitFor();
      },
    },
    { name: "404", path: "404.html" },
  ];
}

function describe(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`)
        .join("\n");
      return `  ${v.id} (${v.impact}): ${v.help}, ${v.nodes.length} node(s)\n${nodes}`;
    })
    .join("\n");
}

for (const scheme of ["light", "dark"]) {
  test(`axe-core finds no violations on any page type (${scheme} scheme)`, async (t) => {
    for (const p of pages()) {
      await t.test(p.name, async () => {
        const context = await browser.newContext({ colorScheme: scheme });
        const page = await context.newPage();
        try {
          await page.goto(base + p.path);
          if (p.prepare) await p.prepare(page);
          await page.addScriptTag({ path: AXE });
          const result = await page.evaluate(() =>
            window.axe.run(document, { resultTypes: ["violations"] }),
          );
          assert.equal(
            result.violations.length,
            0,
            `${p.path} (${scheme}):\n${describe(result.violations)}`,
          );
        } finally {
          await context.close();
        }
      });
    }
  });
}

// Profiles use different YAML token types (numbers, booleans, quoted strings, comments):
// check the colour contrast of every actor's highlighted YAML, in both schemes.
test("every actor page's highlighted YAML has enough colour contrast", async () => {
  const failures = [];
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    try {
      for (const actor of data.actors) {
        await page.goto(`${base}actors/${actor.id}.html`);
        await page.locator(S.profileYamlToggle).click();
        await page.addScriptTag({ path: AXE });
        const result = await page.evaluate(
          (yaml) =>
            window.axe.run({ include: [[yaml]] }, { runOnly: ["color-contrast"], resultTypes: ["violations"] }),
          `${S.profileYaml} pre`,
        );
        if (result.violations.length) failures.push(`actors/${actor.id}.html (${scheme}):\n${describe(result.violations)}`);
      }
    } finally {
      await context.close();
    }
  }
  assert.deepEqual(failures, []);
});
