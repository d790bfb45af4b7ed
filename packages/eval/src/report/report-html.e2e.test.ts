/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { fixtureReport } from './_report-fixture.js';
import { renderHtml } from './render-html.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present) console.warn(`[skip] ${CHROMIUM} is absent (Debian package "chromium"): the report.html browser test is skipped`);

/** Distinct colours and luminance variance of a PNG, measured by the browser itself (no image library needed). */
async function pixelStats(browser: Browser, png: Buffer): Promise<{ colors: number; variance: number; width: number }> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      const colors = new Set<number>();
      let sum = 0;
      let sq = 0;
      const n = d.length / 4;
      for (let i = 0; i < d.length; i += 4) {
        colors.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
        const l = 0.2126 * d[i]! + 0.7152 * d[i + 1]! + 0.0722 * d[i + 2]!;
        sum += l;
        sq += l * l;
      }
      return { colors: colors.size, variance: sq / n - (sum / n) ** 2, width: c.width };
    }, png.toString('base64'));
  } finally {
    await page.close();
  }
}

describe.skipIf(!present)('report.html in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders every plot with visible content and makes no network request', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.setContent(renderHtml(fixtureReport()), { waitUntil: 'load' });
    const figures = page.locator('figure svg');
    expect(await figures.count()).toBe(5);
    for (let i = 0; i < 5; i++) {
      const box = await figures.nth(i).boundingBox();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.height).toBeGreaterThan(150);
      const stats = await pixelStats(browser, await figures.nth(i).screenshot());
      // A blank or single-colour plot has 1–2 colours and ~0 variance; real plots have lines, text and fills.
      expect(stats.colors).toBeGreaterThan(20);
      expect(stats.variance).toBeGreaterThan(50);
    }
    const full = await pixelStats(browser, await page.screenshot({ fullPage: true }));
    expect(full.colors).toBeGreaterThan(50);
    expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
    console.log(`[e2e] report.html screenshot: ${full.colors} distinct colours, luminance variance ${full.variance.toFixed(0)}`);
    await page.close();
  });
});
