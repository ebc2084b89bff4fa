// Every CSS selector the browser tests rely on, in one place: when a template changes
// its markup, adapt it here.
"use strict";

module.exports = {
  // The page's main heading (an actor's name, a source's title).
  heading: "main h1",
  // A link to the actor page `id`, anywhere in the main column.
  actorLink: (id) => `main a[href$="actors/${id}.html"]`,
  // On an actor page: the one-line summary under the name.
  actorSummary: "main .lede",
  // On an actor page: a backlink's passage, linking to a source paragraph.
  backlinkPassage: 'main .backlinks a[href*="sources/"][href*="#p-"]',
  // On an actor page: the title link of the backlink to source `id`.
  backlinkSource: (id) => `main .backlinks h3 a[href$="sources/${id}.html"]`,
  // On a source page: paragraph `n`.
  paragraph: (n) => `#p-${n}`,
  // On an actor page: the <details> box with the profile's YAML, and its toggle.
  profileYaml: "details.profile-yaml",
  profileYamlToggle: "details.profile-yaml > summary",
  // On the 404 page: a link to the actors listing.
  notFoundActors: 'main a[href$="actors.html"]',
  search: {
    // The query box (search.html, and any header box that opens search.html?q=…).
    input: 'main input[name="q"]',
    // The result list's links, and the one leading to actor `id`.
    results: "main #results a",
    resultFor: (id) => `main #results a[href$="actors/${id}.html"]`,
    // Where the page says how many results there are (or that nothing matches).
    status: "main #search-status",
  },
  // The page `dossier serve` shows while the site does not build.
  buildError: { heading: "h1", text: "Build error" },
};
