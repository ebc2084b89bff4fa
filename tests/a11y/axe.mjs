// Runs axe-core in headless Chromium on built pages, light and dark, and prints every
// violation; exits 1 if there is any. Usage: node axe.mjs <page.html>...
// Details elements (the actor page's "Profile data") are opened first.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);
const axeSource = require('fs').readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
try {
  for (const file of process.argv.slice(2)) {
    for (const scheme of ['light', 'dark']) {
      const page = await browser.newPage();
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
      await page.evaluate(axeSource);
      const result = await page.evaluate(() => window.axe.run(document));
      for (const v of result.violations) {
        failures += 1;
        const targets = v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ');
        console.log(`${file} [${scheme}] ${v.id}: ${v.help} (${v.nodes.length} nodes: ${targets})`);
      }
      console.log(`${file} [${scheme}] ${result.passes.length} rules passed, ${result.violations.length} violated`);
      await page.close();
    }
  }
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
