// The browser test of flightline's HTML reports, run by TestBrowser
// (validate/report/browser_test.go), which writes the reports and a
// manifest of what each must show, and names it in FLIGHTLINE_REPORTS.
// Each report is loaded in Debian's chromium, headless, through
// playwright-core: the verdict and the suspects' lanes must be there,
// nothing may be fetched, no script may fail, hovering an evidence mark
// must show its entry; the load and redraw times are printed, and a
// screenshot of each is kept in FLIGHTLINE_OUT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const manifest = JSON.parse(readFileSync(process.env.FLIGHTLINE_REPORTS, 'utf8'));
const out = process.env.FLIGHTLINE_OUT;
const executablePath = process.env.FLIGHTLINE_CHROMIUM || '/usr/bin/chromium';
const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let profile, context;
before(async () => {
  profile = mkdtempSync(join(tmpdir(), 'flightline-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath, args: flags, headless: true, viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1,
  });
});
after(async () => {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
});

for (const c of manifest.reports) {
  test(c.name, async () => {
    const url = pathToFileURL(c.file).href;
    const page = await context.newPage();
    const fetched = [], failures = [];
    // Every request but the page itself is refused and counted.
    await page.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      fetched.push(route.request().url());
      return route.abort();
    });
    page.on('request', (r) => { if (r.url() !== url && !fetched.includes(r.url())) fetched.push(r.url()); });
    page.on('pageerror', (e) => failures.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') failures.push(m.text()); });

    const t0 = Date.now();
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30000 });
    const wall = Date.now() - t0;

    assert.equal((await page.textContent('#verdict h2')).trim(), c.verdict);
    for (const text of c.texts ?? []) {
      assert.ok((await page.textContent('#verdict')).includes(text), `the verdict says ${JSON.stringify(text)}`);
    }
    for (const lane of c.suspectLanes ?? []) {
      const row = page.locator(`.labels .row.lane.suspect${lane}`);
      assert.equal(await row.count(), 1, `one suspect lane ${lane}`);
      assert.ok(await row.isVisible(), `the suspect lane ${lane} is visible`);
    }
    const suspects = await page.locator('.labels .row.lane.suspect').count();
    assert.equal(suspects, (c.suspectLanes ?? []).length, 'suspect lanes');
    for (const text of c.lanes ?? []) {
      assert.ok((await page.textContent('.labels')).includes(text), `a lane says ${JSON.stringify(text)}`);
    }

    const m = await page.evaluate(() => window.flightlineReport);
    assert.equal(m.entries, c.entries, 'entries drawn');
    // Hovering an evidence mark shows its entry and what it is evidence of.
    // Clicking it in the verdict brings it into view.
    if (c.hoverMark !== undefined) {
      await page.click(`#verdict button.mark[data-mark="${c.hoverMark}"]`);
      await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
      const p = await page.evaluate((k) => window.flightlineReport.markPoint(k), c.hoverMark);
      assert.ok(p, 'the evidence mark is on screen');
      await page.mouse.move(p.x, p.y);
      await page.waitForSelector('#tip:not([hidden])', { timeout: 5000 });
      const tip = await page.textContent('#tip');
      assert.ok(tip.includes('evidence:'), `the tooltip says what it is evidence of: ${tip}`);
    }
    // Redraws, the whole timeline and zoomed in on the last tenth.
    const redraw = await page.evaluate(() => {
      const r = window.flightlineReport, [a, b] = r.view();
      const times = [];
      for (let i = 0; i < 5; i++) times.push(r.redraw());
      for (let i = 0; i < 5; i++) times.push(r.setView(b - (b - a) / 10, b));
      r.setView(a, b);
      return Math.max(...times);
    });
    if (c.screenshot) await page.screenshot({ path: join(out, c.screenshot), fullPage: false });
    console.log(`METRIC ${c.name}: entries=${m.entries} lanes=${m.lanes} bytes=${c.bytes} wallMs=${wall} parseMs=${m.parseMs.toFixed(1)} firstDrawMs=${m.firstDrawMs.toFixed(1)} scriptMs=${m.loadMs.toFixed(1)} maxRedrawMs=${redraw.toFixed(1)}`);
    assert.deepEqual(fetched, [], 'nothing is fetched');
    assert.deepEqual(failures, [], 'no script error');
    await page.close();
  });
}
