// API latency under concurrent clients (issue 14): p50/p95/max of trend, top-issues and docs
// through `yuqing serve`, bearer token from $YUQING_API_TOKEN. Not a test; run by hand against a
// server over a filled database:
//
//   YUQING_API_TOKEN=... node tests/bench/api_bench.mjs http://127.0.0.1:18090 [clients=10] [requests=200]
//
// Each client sends its share of the requests one after another (keep-alive), so `clients` is the
// number of requests in flight.
const [base = 'http://127.0.0.1:18090', clientsArg = '10', requestsArg = '200'] = process.argv.slice(2);
const clients = Number(clientsArg);
const requests = Number(requestsArg);
const token = process.env.YUQING_API_TOKEN;
if (!token) {
  console.error('set YUQING_API_TOKEN (the server reads the same variable or server.token_file)');
  process.exit(2);
}
// The dates default to the sandbox's; tests/bench/api_bench.py sets them for its synthetic data:
// API_BENCH_SINCE / API_BENCH_UNTIL (the 6-week range), API_BENCH_WEEK (ISO week for top-issues),
// API_BENCH_WEEK_SINCE / API_BENCH_WEEK_UNTIL (the same week as dates, for docs).
const env = (name, fallback) => process.env[name] || fallback;
const since = env('API_BENCH_SINCE', '2026-10-05');
const until = env('API_BENCH_UNTIL', '2026-11-17');
const week = env('API_BENCH_WEEK', '2026-W43');
const weekSince = env('API_BENCH_WEEK_SINCE', '2026-10-19');
const weekUntil = env('API_BENCH_WEEK_UNTIL', '2026-10-26');
const queries = {
  'trend (one issue and place, 6 weeks by day)':
    `/api/trend?issue=老旧小区与棚户区改造&place=运河街道&since=${since}&until=${until}&exact=true`,
  'trend (all, 6 weeks by day, split by place)': `/api/trend?since=${since}&until=${until}&split=place`,
  [`top-issues (${week})`]: `/api/top-issues?week=${week}`,
  'docs (20 negative behind a number)':
    `/api/docs?issue=老旧小区与棚户区改造&sentiment=negative&since=${weekSince}&until=${weekUntil}&exact=true`,
  'docs (page 5 of all)': `/api/docs?since=${since}&until=${until}&limit=20&offset=80`,
};

// API_BENCH_ONLY / API_BENCH_SKIP: run only / skip the queries whose name starts with this text.
const only = process.env.API_BENCH_ONLY;
const skip = process.env.API_BENCH_SKIP;
const chosen = Object.entries(queries).filter(([name]) => (!only || name.startsWith(only)) && !(skip && name.startsWith(skip)));

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
console.log(`| query | clients | requests | p50 ms | p95 ms | max ms |`);
console.log(`|---|---:|---:|---:|---:|---:|`);
for (const [name, path] of chosen) {
  const times = [];
  let next = 0;
  let failures = 0;
  let rows;
  const worker = async () => {
    while (next < requests) {
      next++;
      const t0 = performance.now();
      const res = await fetch(base + path, { headers: { Authorization: `Bearer ${token}` } });
      const body = await res.text();
      if (!res.ok) failures++;
      else if (rows === undefined) rows = JSON.parse(body).rows?.length;
      times.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  times.sort((a, b) => a - b);
  if (failures) console.error(`${name}: ${failures} failed requests`);
  console.error(`${name}: ${rows} rows in an answer`);
  console.log(`| ${name} | ${clients} | ${times.length} | ${pct(times, 50).toFixed(0)} | ${pct(times, 95).toFixed(0)} | ${times[times.length - 1].toFixed(0)} |`);
}
