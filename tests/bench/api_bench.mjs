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
const queries = {
  'trend (one issue and place, 6 weeks by day)':
    '/api/trend?issue=老旧小区与棚户区改造&place=运河街道&since=2026-10-05&until=2026-11-17&exact=true',
  'trend (all, 6 weeks by day, split by place)': '/api/trend?since=2026-10-05&until=2026-11-17&split=place',
  'top-issues (2026-W43)': '/api/top-issues?week=2026-W43',
  'docs (20 negative behind a number)':
    '/api/docs?issue=老旧小区与棚户区改造&sentiment=negative&since=2026-10-19&until=2026-10-26&exact=true',
  'docs (page 5 of all)': '/api/docs?since=2026-10-05&until=2026-11-17&limit=20&offset=80',
};

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
console.log(`| query | clients | requests | p50 ms | p95 ms | max ms |`);
console.log(`|---|---:|---:|---:|---:|---:|`);
for (const [name, path] of Object.entries(queries)) {
  const times = [];
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < requests) {
      next++;
      const t0 = performance.now();
      const res = await fetch(base + path, { headers: { Authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      if (!res.ok) failures++;
      times.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  times.sort((a, b) => a - b);
  if (failures) console.error(`${name}: ${failures} failed requests`);
  console.log(`| ${name} | ${clients} | ${times.length} | ${pct(times, 50).toFixed(0)} | ${pct(times, 95).toFixed(0)} | ${times[times.length - 1].toFixed(0)} |`);
}
