// Browser test of the dashboard (issue 14): Debian's chromium, headless, driven by playwright-core
// from server/web/node_modules, against `yuqing serve` on a free port over a private ClickHouse
// database filled by `yuqing sandbox --store` (the default scenario) plus one hostile document and
// one alert. It logs in, sees the trend chart with data, clicks the peak of the 运河街道 surge (a
// real mouse click on the point, so the page's own click handler runs), gets its documents,
// checks that the hostile title stays text and no dialog opens, acknowledges an alert and sees
// its state change, and sees a new document and alert arrive without a reload.
//
//   node tests/browser/dashboard_test.mjs BUILD/bin/yuqing ARTIFACT_DIR
// Screenshots land in ARTIFACT_DIR. Exit code 0 = passed.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const require = createRequire(path.join(root, 'server/web/package.json'));
const { chromium } = require('playwright-core');

const binary = process.argv[2] || path.join(root, 'build/bin/yuqing');
const artifacts = process.argv[3] || path.join(root, 'build/artifacts/browser');
fs.mkdirSync(artifacts, { recursive: true });

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const database = `t_browser_${process.pid}`;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'yuqing-browser-'));
const clickhouseUrl = process.env.YUQING_CLICKHOUSE_URL || 'http://127.0.0.1:18123';
const clickhouseUser = process.env.YUQING_CLICKHOUSE_USER || 'yuqing';
const clickhousePassword = process.env.YUQING_CLICKHOUSE_PASSWORD ||
  fs.readFileSync(path.join(root, 'var/secrets/clickhouse.password'), 'utf8').trim();

async function sql(statement, db = database) {
  const res = await fetch(`${clickhouseUrl}/?database=${encodeURIComponent(db)}`, {
    method: 'POST', body: statement,
    headers: { Authorization: 'Basic ' + Buffer.from(`${clickhouseUser}:${clickhousePassword}`).toString('base64') },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse: ${text}`);
  return text;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function step(what) { console.log(`[browser] ${what}`); }

let serve = null;
let browser = null;

async function main() {
  // A private config: this test's database, everything else as shipped.
  fs.mkdirSync(path.join(home, 'configs'), { recursive: true });
  const pipelineConfig = path.join(home, 'configs/pipeline.yaml');
  fs.writeFileSync(pipelineConfig, [
    'clickhouse:', `  database: ${database}`, `  password_file: ${path.join(root, 'var/secrets/clickhouse.password')}`,
    'processor:', `  rules_dir: ${path.join(root, 'configs')}`,
    'sandbox:', `  scenario: ${path.join(root, 'configs/scenarios/default.yaml')}`, '',
  ].join('\n'));
  const port = await freePort();
  const serverConfig = path.join(home, 'configs/server.yaml');
  fs.writeFileSync(serverConfig, [
    'server:', '  host: 127.0.0.1', `  port: ${port}`, `  web_dir: ${path.join(root, 'server/web')}`,
    '  poll_seconds: 2', '  demo_user: demo', '  demo_password_file: var/secrets/dashboard.password', '',
  ].join('\n'));

  step(`storing the default scenario in ${database}`);
  const store = spawnSync(binary, ['--config', pipelineConfig, '--log-level', 'warn', 'sandbox', '--store'], { stdio: 'inherit' });
  assert.equal(store.status, 0, 'yuqing sandbox --store failed');
  await sql(`INSERT INTO documents (id, kind, url, site, title, text, event_time, fetched_at, processed_at, issues, places,
             sentiment_label, intent, category_l1, version) VALUES
             ('feedfacefeedfacefeedfacefeedface', 'comment', 'javascript:alert(3)', 'news-portal', '${HOSTILE}', '${HOSTILE}',
              toDateTime('2026-10-21 02:00:00', 'UTC'), now(), now(), ['老旧小区与棚户区改造'], ['运河街道'], 'negative', 'complaint', '', 1)`);
  const alertId = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
  const insertAlert = (id, title, firedAt) => sql(`INSERT INTO alerts (id, created_at, fired_at, detector, rule, severity, issue, place,
             departments, title, summary, window_start, window_end, observed, expected, document_ids, status, acknowledged_by,
             version, p_value, details) VALUES
             ('${id}', now(), toDateTime('${firedAt}', 'UTC'), 'volume_spike', '测试规则', 'major', '老旧小区与棚户区改造', '运河街道',
              ['区住房城乡建设局'], '${title}', '测试：运河街道 老旧小区与棚户区改造 声量高于基线',
              toDateTime('2026-10-19 00:00:00', 'UTC'), toDateTime('2026-10-21 00:00:00', 'UTC'), 40, 8, [], 'open', '', 1, 0.001, '{}')`);
  await insertAlert(alertId, '运河街道 老旧小区与棚户区改造 声量异常上升', '2026-10-21 00:00:00');
  await sql(`INSERT INTO crawl_health (time, run_id, source, fetched, documents, failed, last_success) VALUES
             (now(), 'browser', 'news-portal', 120, 100, 0, now()), (now(), 'browser', 'forum', 40, 35, 3, toDateTime('2026-11-01 00:00:00', 'UTC'))`);

  step(`starting yuqing serve on port ${port}`);
  serve = spawn(binary, ['--config', pipelineConfig, 'serve', '--server-config', serverConfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  let serveLog = '';
  serve.stderr.on('data', (d) => { serveLog += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve did not start: ' + serveLog)), 30000);
    serve.stdout.on('data', (d) => {
      const m = /dashboard: (http\S+)/.exec(String(d));
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    serve.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${serveLog}`)));
  });
  assert.match(serveLog, /demo login: user 'demo'/);
  const password = fs.readFileSync(path.join(home, 'var/secrets/dashboard.password'), 'utf8').trim();
  assert.equal(fs.statSync(path.join(home, 'var/secrets/dashboard.password')).mode & 0o777, 0o600);

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN' });
  const dialogs = [];
  const problems = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  // 401s are expected: the page asks /api/me to learn whether it is logged in, and after logout.
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push('console: ' + m.text()); });
  page.on('request', (r) => { if (!r.url().startsWith(url)) problems.push('request off this origin: ' + r.url()); });

  const view = '#since=2026-10-05&until=2026-11-17&issue=' + encodeURIComponent('老旧小区与棚户区改造') + '&split=place&by=day&week=2026-W43';
  step('logging in');
  await page.goto(url + view);
  await page.waitForSelector('#login-form', { state: 'visible' });
  await page.fill('#login-user', 'demo');
  await page.fill('#login-password', 'wrong password');
  await page.click('#login-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('login-error').textContent !== '');
  assert.equal(await page.textContent('#login-error'), '用户名或密码错误');
  await page.screenshot({ path: path.join(artifacts, '01-login.png') });
  await page.fill('#login-password', password);
  await page.click('#login-form button[type=submit]');

  step('waiting for the trend chart');
  await page.waitForFunction(() => window.__dashboard.trend && window.__dashboard.trend.series.length > 0, null, { timeout: 60000 });
  await page.waitForTimeout(500);
  const trend = await page.evaluate(() => {
    const t = window.__dashboard.trend;
    return { buckets: t.buckets, series: t.series.map((s) => ({ name: s.name, value: s.value, documents: s.documents })) };
  });
  assert.ok(trend.buckets.length >= 30, `expected six weeks of days, got ${trend.buckets.length}`);
  const seriesIndex = trend.series.findIndex((s) => s.value === '运河街道');
  assert.ok(seriesIndex >= 0, 'no 运河街道 series: ' + trend.series.map((s) => s.name).join(','));
  const counts = trend.series[seriesIndex].documents;
  const peak = counts.indexOf(Math.max(...counts));
  const peakDay = trend.buckets[peak];
  step(`运河街道 peaks on ${peakDay} with ${counts[peak]} documents`);
  assert.ok(peakDay >= '2026-10-19' && peakDay <= '2026-10-25', `peak ${peakDay} is not in 2026-W43`);
  assert.equal(await page.inputValue('#filters input[name=issue]'), '老旧小区与棚户区改造', 'filters not read from the URL');
  await page.waitForFunction(() => document.querySelectorAll('#top-issues tbody tr').length > 1);
  assert.equal(await page.textContent('#top-issues tbody tr:first-child td:first-child'), '老旧小区与棚户区改造', 'W43 is not led by the surge');
  await page.screenshot({ path: path.join(artifacts, '02-dashboard.png'), fullPage: true });

  step('clicking the peak point');
  // The point's pixel from ECharts, then a real mouse click there: the page's own handler runs.
  await page.evaluate(() => document.getElementById('trend-chart').scrollIntoView({ block: 'center' }));
  const box = await page.evaluate(() => { const b = document.getElementById('trend-chart').getBoundingClientRect(); return { left: b.left, top: b.top }; });
  const [x, y] = await page.evaluate(([si, i, v]) => window.__dashboard.charts.trend.convertToPixel({ seriesIndex: si }, [i, v]),
    [seriesIndex, peak, counts[peak]]);
  await page.mouse.move(box.left + x, box.top + y);
  await page.mouse.click(box.left + x, box.top + y);
  await page.waitForFunction((day) => document.getElementById('docs-scope').textContent.includes(day), peakDay, { timeout: 30000 });
  const scope = await page.textContent('#docs-scope');
  assert.ok(scope.includes('运河街道'), 'drill-down lost the place: ' + scope);
  const docs = await page.$$eval('#docs tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.ok(docs.length > 0 && docs[0].length === 9, 'no documents behind the peak');
  for (const d of docs) {
    assert.ok(d[2].startsWith(peakDay), `document time ${d[2]} is not on ${peakDay}`);
    assert.ok(d[4] !== '', 'a blank category cell (an unclassified document reads 未分类)');
    assert.ok(d[8].includes('运河街道'), `document places ${d[8]} miss 运河街道`);
    assert.ok(d[7].includes('老旧小区与棚户区改造'), `document issues ${d[7]} miss the issue`);
  }
  const links = await page.$$eval('#docs tbody a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(links.length > 0 && links.every((h) => /^https?:\/\//.test(h)), 'links to originals: ' + links.slice(0, 3));
  await page.screenshot({ path: path.join(artifacts, '03-drilldown.png'), fullPage: true });

  step('splitting by category');
  // Every class the taxonomy names can be a series; no legend entry is blank (the sandbox's 42
  // unclassified documents, shown as 未分类, never reach the top eight).
  await page.goto(url + '#since=2026-10-05&until=2026-11-17&split=category&by=week');
  await page.waitForFunction(() => window.__dashboard.trend && window.__dashboard.trend.series.some((s) => s.value === '城乡建设'), null, { timeout: 30000 });
  const categories = await page.evaluate(() => window.__dashboard.trend.series.map((s) => ({ name: s.name, value: s.value })));
  step('category series: ' + categories.map((c) => c.name).join('、'));
  assert.ok(categories.length >= 5 && categories.every((c) => c.name !== ''), 'category series: ' + JSON.stringify(categories));
  await page.screenshot({ path: path.join(artifacts, '03b-by-category.png'), fullPage: true });

  step('the hostile title stays text');
  await page.goto(url + '#since=2026-10-21&until=2026-10-22&site=news-portal&kind=comment&sentiment=negative&by=day');
  await page.waitForFunction((t) => [...document.querySelectorAll('#docs tbody td')].some((c) => c.textContent === t), HOSTILE, { timeout: 30000 });
  assert.equal(await page.$$eval('#docs script, #docs img, main script', (e) => e.length), 0, 'markup from data entered the page');
  const hostileCell = await page.$$eval('#docs tbody tr', (rows, t) => {
    const r = rows.find((row) => row.cells[0].textContent === t);
    return r ? { links: r.querySelectorAll('a').length } : null;
  }, HOSTILE);
  assert.deepEqual(hostileCell, { links: 0 }, 'a javascript: URL became a link');
  await page.waitForTimeout(1000);  // give an injected onerror time to fire
  await page.screenshot({ path: path.join(artifacts, '04-hostile-title.png'), fullPage: true });

  step('an emerging term leads to its documents');
  const term = await page.textContent('#keywords tbody tr.clickable td:first-child');
  await page.click('#keywords tbody tr.clickable');
  await page.waitForFunction((t) => document.getElementById('docs-scope').textContent === '新兴词：' + t, term, { timeout: 30000 });
  assert.ok((await page.$$('#docs tbody tr td.title')).length > 0, 'no documents behind the term ' + term);

  step('acknowledging the alert');
  const row = `#alerts tbody tr[data-id="${alertId}"]`;
  await page.waitForSelector(row);
  assert.equal((await page.textContent(`${row} td.status`)).trim(), '待处理');
  await page.click(`${row} button:has-text("确认")`);
  await page.waitForFunction((sel) => document.querySelector(sel + ' td.status').textContent.trim() === '已确认', row, { timeout: 30000 });
  assert.ok(await page.isDisabled(`${row} button:has-text("确认")`), '确认 still enabled after acknowledging');
  const stored = await sql(`SELECT status, acknowledged_by FROM alerts FINAL WHERE id = '${alertId}' FORMAT TSV`);
  assert.equal(stored.trim(), 'acknowledged\tdemo');
  await page.locator('#alerts').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, '05-alert-acknowledged.png'), fullPage: true });

  step('live: a new document and a new alert appear without a reload');
  const before = await page.textContent('#live');
  await sql(`INSERT INTO documents (id, kind, url, site, title, text, event_time, fetched_at, processed_at, version) VALUES
             ('beefbeefbeefbeefbeefbeefbeefbeef', 'article', 'http://127.0.0.1:18081/news/live.html', 'local-news', '实时到达的新文档',
              '实时到达的新文档', toDateTime('2026-10-21 03:00:00', 'UTC'), now(), now(), 1)`);
  await insertAlert('b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2', '实时到达的新预警', '2026-11-16 00:00:00');
  await page.waitForFunction(() => document.querySelector('#alerts tbody tr[data-id="b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"]') !== null, null, { timeout: 20000 });
  await page.waitForFunction((b) => document.getElementById('live').textContent.split('·')[0] !== b.split('·')[0], before, { timeout: 20000 });
  step('live: ' + (await page.textContent('#live')));

  step('logging out');
  await page.click('#logout');
  await page.waitForSelector('#login-form', { state: 'visible' });
  assert.equal((await page.request.get(url + 'api/summary')).status(), 401);

  assert.deepEqual(dialogs, [], 'a dialog opened: ' + dialogs.join(' | '));
  assert.deepEqual(problems, [], problems.join('\n'));
  step(`passed; screenshots in ${artifacts}`);
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  console.error('[browser] FAILED:', e && e.stack ? e.stack : e);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (serve && serve.exitCode === null) {
    serve.kill('SIGTERM');
    await new Promise((r) => serve.once('exit', r));
  }
  await sql(`DROP DATABASE IF EXISTS ${database}`, 'default').catch((e) => console.error('[browser] cleanup:', e.message));
  fs.rmSync(home, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
