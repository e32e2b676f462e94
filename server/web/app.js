// The dashboard page. Every text that comes from the API (scraped titles, site names, alert texts)
// enters the page through textContent or as ECharts data, never through innerHTML: a hostile title
// stays text. Links to originals are kept only when they are http(s).
'use strict';

const LABELS = {
  sentiment: { negative: '负面', neutral: '中性', positive: '正面', '': '未标注' },
  kind: { article: '文章', comment: '评论', message: '留言', reply: '答复', post: '帖子' },
  intent: { complaint: '投诉', inquiry: '咨询', suggestion: '建议', praise: '表扬', news: '资讯', '': '—' },
};
const FILTERS = ['since', 'until', 'issue', 'place', 'site', 'kind', 'sentiment', 'split', 'by', 'week'];
const DEFAULTS = { since: '90d', by: 'day' };
const DOCS_PAGE = 20;

const state = {
  filters: {},          // what the URL hash says
  docsScope: null,      // {params, label}: the drill-down behind the document list
  docsOffset: 0,
  pollSeconds: 15,
  lastDocuments: null,
  pollTimer: null,
  charts: {},
};
// For tests and the curious: the charts and the last trend rows.
window.__dashboard = state;

// ---- small DOM helpers (text only) ----
const $ = (id) => document.getElementById(id);
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
function td(text, cls) { return el('td', text, cls); }
function fillTable(id, rows, makeRow, columns) {
  const body = $(id).querySelector('tbody');
  body.replaceChildren();
  if (!rows.length) {
    const r = el('tr');
    const c = td('暂无数据', 'empty');
    c.colSpan = columns;
    r.append(c);
    body.append(r);
    return;
  }
  for (const row of rows) body.append(makeRow(row));
}
function safeLink(url, text) {
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') {
      const a = el('a', text);
      a.href = u.href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      return a;
    }
  } catch (e) { /* not a URL: plain text below */ }
  return el('span', text);
}
const firstFew = (list, n = 3) => (list || []).slice(0, n).join('、') + ((list || []).length > n ? ' 等' + list.length + '项' : '');
const pct = (x) => (x * 100).toFixed(1) + '%';
const label = (kind, v) => (LABELS[kind] && LABELS[kind][v]) || v || '—';
// ClickHouse answers 0000-00-00 for a time it does not know (a story whose whole-story state is missing).
const shortTime = (iso) => (!iso || iso.startsWith('0000') ? '' : iso.replace('T', ' ').replace(/(:\d\d)(\+.*)?$/, '$1').slice(0, 16));

// ---- API ----
class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}
async function api(path, params, options) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') q.append(k, v);
  const url = path + (q.toString() ? '?' + q : '');
  const res = await fetch(url, Object.assign({ credentials: 'same-origin', headers: { Accept: 'application/json' } }, options || {}));
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (res.status === 401 && path !== '/api/login') { showLogin(); throw new ApiError(401, '请先登录'); }
  if (!res.ok) throw new ApiError(res.status, (body && body.error) || ('HTTP ' + res.status));
  return body;
}
const post = (path, body) => api(path, null, {
  method: 'POST', credentials: 'same-origin',
  headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body || {}),
});

// ---- URL hash <-> filters ----
function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  const f = {};
  for (const k of FILTERS) f[k] = h.get(k) || DEFAULTS[k] || '';
  return f;
}
function writeHash(f) {
  const h = new URLSearchParams();
  for (const k of FILTERS) if (f[k]) h.set(k, f[k]);
  const text = '#' + h.toString();
  if (location.hash !== text) history.replaceState(null, '', text);
}
function formToFilters() {
  const form = $('filters');
  // The week lives in its panel, not in the form: keep it.
  const f = { week: state.filters.week || '' };
  for (const k of FILTERS) if (form.elements[k]) f[k] = (form.elements[k].value || '').trim();
  return f;
}
function filtersToForm(f) {
  const form = $('filters');
  for (const k of FILTERS) if (form.elements[k]) form.elements[k].value = f[k] || '';
}
// The parameters each query accepts (the rollups know no kind; stories filter by issue and place).
function windowParams(f) { return { since: f.since, until: f.until }; }
function rollupParams(f) { return Object.assign(windowParams(f), { issue: f.issue, place: f.place, site: f.site, sentiment: f.sentiment }); }
function docParams(f) { return Object.assign(rollupParams(f), { kind: f.kind }); }

// ---- login ----
function showLogin() {
  $('dashboard').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
  $('login-panel').hidden = false;
  if (state.pollTimer) clearInterval(state.pollTimer);
  state.pollTimer = null;
}
async function showDashboard(me) {
  $('login-panel').hidden = true;
  $('dashboard').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = '用户：' + me.user;
  state.pollSeconds = me.poll_seconds || 15;
  initCharts();
  state.filters = readHash();
  filtersToForm(state.filters);
  await refreshAll();
  if (!state.pollTimer) state.pollTimer = setInterval(poll, state.pollSeconds * 1000);
}

// ---- charts ----
function initCharts() {
  if (state.charts.trend) return;
  state.charts.trend = echarts.init($('trend-chart'));
  state.charts.negative = echarts.init($('negative-chart'));
  state.charts.sentiment = echarts.init($('sentiment-chart'));
  // Drill-down: a point is a bucket (and a series value when split); its documents go below.
  const drill = (p) => {
    if (p.componentType !== 'series' || !state.trend) return;
    const bucket = state.trend.buckets[p.dataIndex];
    const series = state.trend.series[p.seriesIndex];
    drillToBucket(bucket, series ? series.value : null);
  };
  state.charts.trend.on('click', drill);
  state.charts.negative.on('click', drill);
  state.charts.sentiment.on('click', (p) => {
    const f = state.filters;
    const value = Object.keys(LABELS.sentiment).find((k) => LABELS.sentiment[k] === p.name);
    showDocs(Object.assign(docParams(f), { sentiment: value }), '情感：' + p.name);
  });
  window.addEventListener('resize', () => Object.values(state.charts).forEach((c) => c.resize()));
}

// "YYYY-MM-DD[ HH:MM:SS]" plus one bucket, as local text for the API.
// `days` days before a "YYYY-MM-DD..." bound, or before now when there is none.
function daysBefore(until, days) {
  const m = /^(\d{4})-(\d\d)-(\d\d)/.exec(until || '');
  if (!m) return days + 'd';
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]) - days * 86400000).toISOString().slice(0, 10);
}
function bucketEnd(bucket, by) {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?: (\d\d):(\d\d):(\d\d))?$/.exec(bucket);
  if (!m) return '';
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0)));
  if (by === 'hour') d.setUTCHours(d.getUTCHours() + 1);
  else if (by === 'week') d.setUTCDate(d.getUTCDate() + 7);
  else if (by === 'month') d.setUTCMonth(d.getUTCMonth() + 1);
  else d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
function drillToBucket(bucket, seriesValue) {
  const f = state.filters;
  const params = docParams(f);
  params.since = bucket.length === 10 ? bucket + ' 00:00:00' : bucket;
  params.until = bucketEnd(bucket, f.by || 'day');
  let what = bucket;
  if (f.split && seriesValue !== null && seriesValue !== undefined && seriesValue !== '') {
    params[f.split] = seriesValue;
    what += ' · ' + seriesValue;
  } else if (f.split) {
    // The API filters by a value, not by its absence: say that the list is the whole bucket.
    what += ' · 该时段全部文档（' + (BLANK_LABEL[f.split] || '未标注') + '不能单独筛选）';
  }
  showDocs(params, what);
}

// A document the taggers left without a value (no evidence for any class, no place named, …).
const BLANK_LABEL = { category: '未分类', issue: '未归入议题', place: '未识别地点', intent: '未识别诉求' };
const MAX_SERIES = 8;
const MIN_FOR_SHARE = 5;

async function loadTrend() {
  const f = state.filters;
  const params = Object.assign(rollupParams(f), { by: f.by || 'day', split: f.split });
  const [trend, mix] = await Promise.all([
    api('/api/trend', params),
    api('/api/trend', Object.assign(rollupParams(f), { by: 'month', split: 'sentiment' })),
  ]);
  const buckets = [...new Set(trend.rows.map((r) => r.bucket))].sort();
  let series;
  if (f.split) {
    const totals = new Map();
    for (const r of trend.rows) totals.set(r[f.split], (totals.get(r[f.split]) || 0) + r.documents);
    const top = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_SERIES).map((e) => e[0]);
    series = top.map((v) => ({ value: v, name: v === '' ? (BLANK_LABEL[f.split] || '（未标注）') : v }));
  } else {
    series = [{ value: null, name: '全部文档' }];
  }
  const index = new Map(buckets.map((b, i) => [b, i]));
  for (const s of series) { s.documents = buckets.map(() => 0); s.negative = buckets.map(() => null); }
  for (const r of trend.rows) {
    const s = f.split ? series.find((x) => x.value === r[f.split]) : series[0];
    if (!s) continue;
    const i = index.get(r.bucket);
    s.documents[i] = r.documents;
    // A share of a handful of documents is noise: leave a gap below MIN_FOR_SHARE.
    s.negative[i] = r.documents >= MIN_FOR_SHARE ? +(r.negative_share * 100).toFixed(1) : null;
  }
  state.trend = { buckets, series, rows: trend.rows };
  const common = {
    // richText: tooltips drawn on the canvas, so no data value is ever parsed as HTML.
    tooltip: { trigger: 'axis', confine: true, renderMode: 'richText' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 50, right: 20, top: 36, bottom: 30 },
    xAxis: { type: 'category', data: buckets, axisLabel: { formatter: (v) => v.slice(5, 16) } },
    animation: false,
  };
  state.charts.trend.setOption(Object.assign({}, common, {
    yAxis: { type: 'value', name: '文档数', minInterval: 1 },
    series: series.map((s) => ({ name: s.name, type: 'line', data: s.documents, symbolSize: 7, triggerLineEvent: true })),
  }), true);
  state.charts.negative.setOption(Object.assign({}, common, {
    yAxis: { type: 'value', name: '负面占比 %（≥' + MIN_FOR_SHARE + '篇）', max: 100 },
    series: series.map((s) => ({ name: s.name, type: 'line', data: s.negative, symbolSize: 6 })),
  }), true);
  const mixTotals = new Map();
  for (const r of mix.rows) mixTotals.set(r.sentiment, (mixTotals.get(r.sentiment) || 0) + r.documents);
  const colors = { negative: '#dc2626', neutral: '#9ca3af', positive: '#16a34a' };
  state.charts.sentiment.setOption({
    tooltip: { trigger: 'item', formatter: '{b}：{c} 篇（{d}%）', renderMode: 'richText' },
    legend: { bottom: 0 },
    animation: false,
    series: [{
      type: 'pie', radius: ['35%', '65%'],
      data: [...mixTotals.entries()].map(([k, v]) => ({ name: label('sentiment', k), value: v, itemStyle: { color: colors[k] || '#60a5fa' } })),
    }],
  }, true);
  // Suggestions for the filter inputs: the values the data holds.
  if (f.split) {
    const list = $(f.split + '-values');
    if (list) list.replaceChildren(...series.filter((s) => s.value).map((s) => { const o = el('option'); o.value = s.value; return o; }));
  }
}

// The ISO week holding the end of the window (for top issues).
function isoWeekOf(date) {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - day + 3);
  const year = d.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week = 1 + Math.round(((d - jan4) / 86400000 - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
  return year + '-W' + String(week).padStart(2, '0');
}
// The last full week before the window's end (until is exclusive; no until = now, China time).
function lastFullWeek(f) {
  const m = /^(\d{4})-(\d\d)-(\d\d)/.exec(f.until || '');
  const end = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : new Date(Date.now() + 8 * 3600 * 1000);
  const day = new Date(end - 86400000);
  const fromMonday = (day.getUTCDay() + 6) % 7;
  return fromMonday === 6 ? day : new Date(day - (fromMonday + 1) * 86400000);
}

async function loadTopIssues() {
  const f = state.filters;
  const week = f.week || isoWeekOf(lastFullWeek(f));
  $('top-week').value = week;
  const res = await api('/api/top-issues', { week, place: f.place, site: f.site, sentiment: f.sentiment, limit: 10 });
  fillTable('top-issues', res.rows, (r) => {
    const tr = el('tr', null, 'clickable');
    tr.append(td(r.issue), td(r.this_week, 'num'), td(r.last_week, 'num'), td((r.change > 0 ? '+' : '') + r.change, 'num'), td(pct(r.negative_share), 'num'));
    tr.addEventListener('click', () => showDocs(Object.assign(docParams(f), { issue: r.issue, since: weekStart(week), until: weekStart(week, 7) }), week + ' · ' + r.issue));
    return tr;
  }, 5);
}
function weekStart(week, plusDays) {
  const [y, w] = week.split('-W').map(Number);
  const jan4 = new Date(Date.UTC(y, 0, 4));
  const monday = new Date(jan4 - ((jan4.getUTCDay() + 6) % 7) * 86400000 + (w - 1) * 7 * 86400000 + (plusDays || 0) * 86400000);
  return monday.toISOString().slice(0, 10);
}

async function loadStories() {
  const f = state.filters;
  const res = await api('/api/stories', Object.assign(windowParams(f), { issue: f.issue, place: f.place, order: 'spread', limit: 10 }));
  fillTable('stories', res.rows, (r) => {
    const tr = el('tr', null, 'clickable');
    // A story that began as a comment or post has no title: name it by what it is about.
    const about = (r.issues || []).slice(0, 1).concat((r.places || []).slice(0, 1)).join(' · ');
    tr.append(td(r.title || '（无标题）' + about, r.title ? 'title' : 'title untitled'), td(r.documents, 'num'), td(r.sites, 'num'), td(r.first_site),
      td(shortTime(r.first_seen)), td(firstFew(r.places)), td(firstFew(r.issues)));
    tr.addEventListener('click', () => showDocs(Object.assign(windowParams(f), { story: r.story }), '事件：' + (r.title || r.story)));
    return tr;
  }, 7);
}

async function loadKeywords() {
  const f = state.filters;
  const params = { emerging: 'true', limit: 15 };
  if (f.until) params.until = f.until;
  const res = await api('/api/keywords', params);
  fillTable('keywords', res.rows, (r) => {
    const tr = el('tr', null, 'clickable');
    // The recent documents behind the term (the window the rise was measured in).
    tr.addEventListener('click', () => showDocs({ keyword: r.keyword, since: daysBefore(f.until, 7), until: f.until }, '新兴词：' + r.keyword));
    tr.append(td(r.keyword), td(r.recent, 'num'), td(r.baseline, 'num'), td('×' + r.lift, 'num'));
    return tr;
  }, 4);
}

async function loadAlerts() {
  const status = $('alert-status').value;
  const res = await api('/api/alerts', { status, limit: 20 });
  fillTable('alerts', res.rows, (a) => {
    const tr = el('tr', null, 'clickable');
    tr.dataset.id = a.id;
    const sev = td(); sev.append(el('span', a.severity_label, 'badge sev-' + a.severity));
    const st = td(); st.append(el('span', a.status_label, 'badge st-' + a.status)); st.className = 'status';
    if (a.acknowledged_by && a.status === 'acknowledged') st.title = a.acknowledged_by + ' 于 ' + shortTime(a.acknowledged_at) + ' 确认';
    if (a.status === 'closed') st.title = a.closed_by + ' 于 ' + shortTime(a.closed_at) + ' 关闭' + (a.close_reason ? '：' + a.close_reason : '');
    const title = td(a.title, 'title');
    title.title = a.summary;
    const actions = td(null, 'actions');
    const ack = el('button', '确认');
    ack.type = 'button';
    ack.disabled = a.status !== 'open';
    ack.addEventListener('click', (e) => { e.stopPropagation(); changeAlert(a.id, 'ack'); });
    const close = el('button', '关闭', 'secondary');
    close.type = 'button';
    close.disabled = a.status === 'closed';
    close.addEventListener('click', (e) => {
      e.stopPropagation();
      const reason = prompt('关闭原因（可不填）', '') ;
      if (reason !== null) changeAlert(a.id, 'close', reason);
    });
    actions.append(ack, close);
    tr.append(sev, st, title, td(a.issue), td(a.place || '全区'), td(shortTime(a.fired_at)), actions);
    tr.addEventListener('click', () => {
      const params = { since: shortTime(a.window_start) + ':00', until: shortTime(a.window_end) + ':00', issue: a.issue, place: a.place };
      showDocs(params, '预警：' + a.title);
    });
    return tr;
  }, 7);
}
async function changeAlert(id, action, reason) {
  try {
    await post('/api/alerts/' + encodeURIComponent(id) + '/' + action, action === 'close' && reason ? { reason } : {});
  } catch (e) {
    alertError(e);
  }
  await loadAlerts().catch(alertError);
}
function alertError(e) { $('filter-error').textContent = '预警操作失败：' + e.message; }

async function loadCrawlHealth() {
  const res = await api('/api/crawl-health');
  fillTable('crawl-health', res.rows, (r) => {
    const tr = el('tr', null, 'clickable');
    const last = td(shortTime(r.last_success) || '从未');
    if (!r.last_success || r.seconds_since_success > 86400) last.className = 'stale';
    tr.append(td(r.source), last, td(r.fetched, 'num'), td(r.documents, 'num'), td(r.failed, 'num'), td(r.retries, 'num'));
    tr.addEventListener('click', () => showDocs(Object.assign(docParams(state.filters), { site: r.source }), '网站：' + r.source));
    return tr;
  }, 6);
}

// ---- documents (the drill-down) ----
async function showDocs(params, what) {
  state.docsScope = { params, what };
  state.docsOffset = 0;
  await loadDocs();
  $('docs-panel').scrollIntoView({ behavior: 'smooth', block: 'start' });
}
async function loadDocs() {
  const scope = state.docsScope || { params: docParams(state.filters), what: '当前筛选' };
  let res;
  try {
    res = await api('/api/docs', Object.assign({}, scope.params, { limit: DOCS_PAGE, offset: state.docsOffset }));
  } catch (e) {
    if (e.status !== 401) $('docs-scope').textContent = scope.what + ' — 出错：' + e.message;
    return;
  }
  fillTable('docs', res.rows, (d) => {
    const tr = el('tr');
    tr.dataset.id = d.id;
    const title = td(null, 'title');
    // Comments and posts often have no title: their opening stands in, marked as such.
    const opening = (d.snippet || '').length > 40 ? d.snippet.slice(0, 40) + '…' : d.snippet;
    title.append(safeLink(d.url, d.title || opening || '（无标题）'));
    if (!d.title) title.classList.add('untitled');
    const s = td(label('sentiment', d.sentiment), d.sentiment === 'negative' ? 'neg' : d.sentiment === 'positive' ? 'pos' : '');
    tr.append(title, td(d.site), td(d.time.slice(0, 16)), td(label('kind', d.kind)), td(d.category || BLANK_LABEL.category),
      s, td(label('intent', d.intent)), td((d.issues || []).join('、')), td((d.places || []).join('、')));
    return tr;
  }, 9);
  // The label changes with the rows, so what it says is what the table shows.
  $('docs-scope').textContent = scope.what;
  $('docs-page').textContent = '第 ' + (state.docsOffset / DOCS_PAGE + 1) + ' 页';
  $('docs-prev').disabled = state.docsOffset === 0;
  $('docs-next').disabled = res.next_offset === null;
}

// ---- refresh and live updates ----
async function refreshAll() {
  $('filter-error').textContent = '';
  const jobs = [loadTrend(), loadTopIssues(), loadStories(), loadKeywords(), loadAlerts(), loadCrawlHealth(), loadDocs()];
  const results = await Promise.allSettled(jobs);
  const failed = results.find((r) => r.status === 'rejected' && r.reason.status !== 401);
  if (failed) $('filter-error').textContent = failed.reason.message;
  try {
    const s = await api('/api/summary');
    state.lastDocuments = s.documents;
    stampLive(s.documents);
  } catch (e) { /* shown by the panels */ }
}
function stampLive(documents) {
  $('live').textContent = '共 ' + documents + ' 篇文档 · 更新于 ' + new Date().toLocaleTimeString('zh-CN', { hour12: false }) +
    ' · 每 ' + state.pollSeconds + ' 秒刷新';
}
// New documents redraw everything; alerts are re-read on every tick.
async function poll() {
  try {
    const s = await api('/api/summary');
    if (s.documents !== state.lastDocuments) await refreshAll();
    else { await loadAlerts(); stampLive(s.documents); }
  } catch (e) { /* a 401 shows the login; others retry next tick */ }
}

// ---- wiring ----
document.addEventListener('DOMContentLoaded', async () => {
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('login-error').textContent = '';
    try {
      const me = await post('/api/login', { user: $('login-user').value, password: $('login-password').value });
      $('login-password').value = '';
      await showDashboard(me);
    } catch (err) {
      $('login-error').textContent = err.status === 401 ? '用户名或密码错误' : '登录失败：' + err.message;
    }
  });
  $('logout').addEventListener('click', async () => { await post('/api/logout').catch(() => {}); showLogin(); });
  $('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    state.filters = formToFilters();
    state.docsScope = null;
    writeHash(state.filters);
    refreshAll();
  });
  $('reset-filters').addEventListener('click', () => {
    state.filters = Object.fromEntries(FILTERS.map((k) => [k, DEFAULTS[k] || '']));
    filtersToForm(state.filters);
    state.docsScope = null;
    writeHash(state.filters);
    refreshAll();
  });
  window.addEventListener('hashchange', () => {
    const f = readHash();
    if (JSON.stringify(f) === JSON.stringify(state.filters)) return;
    state.filters = f;
    filtersToForm(f);
    state.docsScope = null;
    refreshAll();
  });
  $('top-week').addEventListener('change', () => {
    state.filters.week = $('top-week').value.trim();
    writeHash(state.filters);
    loadTopIssues().catch((e) => { $('filter-error').textContent = e.message; });
  });
  $('alert-status').addEventListener('change', () => loadAlerts().catch(alertError));
  $('docs-prev').addEventListener('click', () => { state.docsOffset = Math.max(0, state.docsOffset - DOCS_PAGE); loadDocs(); });
  $('docs-next').addEventListener('click', () => { state.docsOffset += DOCS_PAGE; loadDocs(); });
  try {
    await showDashboard(await api('/api/me'));
  } catch (e) {
    showLogin();
  }
});
