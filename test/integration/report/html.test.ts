/**
 * The HTML report in a real browser (Debian's chromium, driven by playwright-core): it loads
 * nothing from the network, shows the stages, sizes and layers, and the treemap drills down.
 * A screenshot is kept as a test artifact ($DRYDOCK_TEST_ARTIFACTS, default a temp dir).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { openStore } from '../../../src/store/index.js';
import { formatBytes } from '../../../src/util/units.js';
import type { ReportResult } from '../../../src/report/index.js';
import { tmpStoreRoot, removeTmpStoreRoots } from '../../helpers/store.js';
import { fixtureImage } from '../../helpers/fixtures.js';
import { runDrydock } from '../../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const CACHE = 3 * 1024 * 1024;
const DOCKERFILE = `
FROM busybox AS builder
RUN mkdir -p /build-cache /out && head -c ${CACHE} /dev/zero > /build-cache/blob && echo hi > /out/app
FROM busybox AS final
COPY --from=builder /out/app /srv/app/bin/app
RUN head -c 400000 /dev/zero > /srv/app/data.bin && head -c 200000 /dev/zero > /srv/app/bin/tool && head -c 50000 /dev/zero > /tmp/scratch
RUN rm /tmp/scratch
`;

let root: string;
let dir: string;
let browser: Browser;
let json: ReportResult;

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/setup.sh --test)`);
  root = await tmpStoreRoot();
  await fixtureImage(await openStore(root), 'busybox', 'busybox:latest');
  dir = await mkdtemp(join(tmpdir(), 'drydock-report-html-'));
  await mkdir(join(dir, 'ctx'));
  await writeFile(join(dir, 'ctx', 'Dockerfile'), DOCKERFILE);
  const r = await runDrydock(['build', '--progress', 'plain', '-t', 'site:1', '--report', join(dir, 'report.html'), join(dir, 'ctx')], { root });
  assert.equal(r.code, 0, r.stderr);
  const j = await runDrydock(['report', 'site:1', '--format', 'json'], { root });
  assert.equal(j.code, 0, j.stderr);
  json = JSON.parse(j.stdout) as ReportResult;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  await removeTmpStoreRoots();
});

test('the HTML report in Chromium: stages, sizes, layers, treemap drill-down, no network', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (req) => { if (!req.url().startsWith('file:')) requests.push(req.url()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(pathToFileURL(join(dir, 'report.html')).href);

  assert.equal(await page.locator('h1').textContent(), 'site:1');
  assert.equal(await page.locator('#fig-size b').textContent(), formatBytes(json.image.size));
  // /tmp/scratch: written (50000), then deleted (0) by a later layer
  assert.equal(await page.locator('#fig-wasted').getAttribute('data-bytes'), '50000');

  // per-stage bars: the builder left its build cache behind (and /out/app, copied under another path)
  const builder = page.locator('g.stage[data-stage="builder"]');
  assert.equal(await builder.getAttribute('data-left'), String(CACHE + 3));
  assert.match((await builder.locator('text.value').textContent())!, /left behind 3\.15 MB \(most in \/build-cache\)$/);
  assert.equal(await page.locator('g.stage[data-stage="final"]').getAttribute('data-bytes'), String(json.image.size));
  assert.equal(await page.locator('#left-builder td').nth(1).textContent(), '/build-cache');

  // one table row per layer, with its size and instruction
  const rows = page.locator('#layers tbody tr');
  assert.equal(await rows.count(), json.layers.length);
  const last = rows.nth(json.layers.length - 1);
  assert.match((await last.locator('td.cmd').textContent())!, /^RUN .*rm \/tmp\/scratch/);
  assert.equal(await rows.nth(json.layers.length - 2).locator('td').nth(1).getAttribute('data-bytes'), '650000');

  // treemap: drill into /srv, then /srv/app, then back to the root by the breadcrumb
  const map = page.locator('#treemap');
  assert.equal(await map.getAttribute('data-path'), '/');
  await map.locator('.cell[data-path="/srv"]').click();
  assert.equal(await map.getAttribute('data-path'), '/srv');
  await map.locator('.cell[data-path="/srv/app"]').click();
  assert.equal(await map.getAttribute('data-path'), '/srv/app');
  const cells = await map.locator('.cell').evaluateAll((els) => els.map((e) => [e.getAttribute('data-path'), e.getAttribute('data-bytes')]));
  assert.deepEqual(cells, [['/srv/app/data.bin', '400000'], ['/srv/app/bin', '200003']]);
  assert.match((await page.locator('#crumbs .total').textContent())!, /^\/srv\/app — 600 kB$/);
  const box = await map.locator('.cell[data-path="/srv/app/data.bin"]').boundingBox();
  const whole = await map.boundingBox();
  assert.ok(box && whole && Math.abs((box.width * box.height) / (whole.width * whole.height) - 400_000 / 600_003) < 0.02, 'cell area follows size');

  const shot = join(process.env.DRYDOCK_TEST_ARTIFACTS ?? join(tmpdir(), 'drydock-test-artifacts'), 'report-drilled.png');
  await mkdir(join(shot, '..'), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });
  assert.deepEqual((await readFile(shot)).subarray(1, 4).toString(), 'PNG');

  await page.locator('#crumbs button').first().click();
  assert.equal(await map.getAttribute('data-path'), '/');
  assert.deepEqual(requests, []);
  assert.deepEqual(errors, []);
  await page.close();
});
