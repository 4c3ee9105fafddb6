// pa11y with HTML_CodeSniffer (WCAG 2 AA), a second accessibility engine
// beside axe, in Debian's Chromium. tests/test_look.py runs it:
//
//   node tests/pa11y.mjs '{"urls": [...], "widths": [360, 1280],
//                          "schemes": ["light", "dark"], "ignore": [...],
//                          "chromium": "/usr/bin/chromium", "args": [...]}'
//
// Chromium's path and arguments come from microneedling_site/chromium.py,
// so every browser the project starts is started the same way.
//
// One browser for every page; one context per width and colour scheme (the
// scheme is the reader's system setting, which Material follows). Prints
// one JSON list of {url, width, scheme, code, selector, message}, errors only.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const pa11y = require("pa11y");
const puppeteer = require("puppeteer");

const { urls, widths, schemes, ignore, chromium, args } = JSON.parse(process.argv[2]);
const browser = await puppeteer.launch({ executablePath: chromium, args });
const problems = [];
try {
  for (const scheme of schemes) {
    for (const width of widths) {
      // A fresh context each time: Material keeps the chosen scheme in
      // local storage, which would carry over from the previous pass.
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
      for (const url of urls) {
        const result = await pa11y(url, {
          browser, page, standard: "WCAG2AA", runners: ["htmlcs"], ignore,
          includeWarnings: false, includeNotices: false,
          viewport: { width, height: 900 },
          // Material's script starts after the first paint and then marks
          // this template: from then on the page is as a reader sees it.
          actions: ["wait for element #deferred-scripts[data-mounted] to be added"],
        });
        const actual = await page.evaluate(() => document.body.getAttribute("data-md-color-scheme"));
        if (actual !== (scheme === "dark" ? "slate" : "default")) {
          problems.push({ url, width, scheme, code: "scheme", selector: "body", message: `scheme is ${actual}` });
        }
        for (const issue of result.issues) {
          problems.push({ url, width, scheme, code: issue.code, selector: issue.selector, message: issue.message });
        }
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(problems));
