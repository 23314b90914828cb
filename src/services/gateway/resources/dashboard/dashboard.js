// The page's loop: every 1.5 s it asks this gateway for /health (the topology: every replica
// and its readiness) and /metrics (counters), one poll at a time, and redraws. Same origin
// only, so it works as served, over HTTP or HTTPS, with no CORS setting. A 429 or 503 is
// respected: the next poll waits for Retry-After.

import { History, parse, totals, value } from './metrics.js';
import { drawChart, keepCharts } from './charts.js';
import { drawTopology } from './topology.js';

const POLL_MS = 1500;
const HIDDEN_POLL_MS = 15000; // a tab nobody looks at costs the gateway little
const TIMEOUT_MS = 5000;
const WINDOW_MS = 5 * 60 * 1000;
const MAX_BACKOFF_MS = 30000;

const routes = new History(WINDOW_MS);
const replicas = new History(WINDOW_MS);
const seen = new Map(); // "upstream/replica" -> {upstream, name, at}: to show a vanished one
let failures = 0;

async function poll() {
  let wait = document.hidden ? HIDDEN_POLL_MS : POLL_MS;
  try {
    const [health, text] = await Promise.all([get('/health', 'json'), get('/metrics', 'text')]);
    const now = Date.now();
    const samples = parse(text);
    routes.add(now, totals(samples, 'gateway_requests_total', (l) => l.route,
      (l) => /^5/.test(l.status) || l.status === 'other'));
    replicas.add(now, totals(samples, 'gateway_replica_requests_total',
      (l) => `${l.upstream}/${l.replica}`, (l) => l.class === '5xx' || l.class === 'none'));
    drawTopology(document.getElementById('topology'), topology(health, samples, now));
    draw(document.getElementById('routes'), routes, now, (key) => key);
    draw(document.getElementById('replicas'), replicas, now, (key) => key.replace('/', ' / '));
    failures = 0;
    status('live', `live: ${health.service} ${health.instance}, ${health.status}`);
  } catch (problem) {
    failures += 1;
    wait = problem.retryAfter
      ? problem.retryAfter * 1000
      : Math.min(MAX_BACKOFF_MS, POLL_MS * 2 ** failures);
    status('error', `${problem.message}; trying again in ${Math.round(wait / 1000)} s`);
  }
  setTimeout(poll, wait);
}

/** GET `path` as json or text, within TIMEOUT_MS; 429 and 503 carry their Retry-After. */
async function get(path, kind) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  try {
    const answer = await fetch(path, { signal: abort.signal, cache: 'no-store' });
    if (answer.status === 429 || answer.status === 503) {
      const error = new Error(`${path} answered ${answer.status}`);
      error.retryAfter = Math.max(1, Number(answer.headers.get('Retry-After')) || 5);
      throw error;
    }
    if (!answer.ok) throw new Error(`${path} answered ${answer.status}`);
    return kind === 'json' ? await answer.json() : await answer.text();
  } catch (error) {
    if (error.name === 'AbortError') throw new Error(`${path} did not answer in time`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** What drawTopology draws: /health's replicas, and those seen before but gone since. */
function topology(health, samples, now) {
  const heap = value(samples, 'jvm_memory_used_bytes', { area: 'heap' }) / 2 ** 20;
  const maxHeap = value(samples, 'jvm_memory_max_bytes', { area: 'heap' }) / 2 ** 20;
  const threads = value(samples, 'jvm_threads_current');
  const inFlight = value(samples, 'http_requests_in_flight');
  const view = {
    gateway: {
      name: `gateway ${health.instance}`,
      detail: `heap ${heap.toFixed(0)} of ${maxHeap.toFixed(0)} MB, ${threads} threads, `
        + `${inFlight} in flight`,
    },
    upstreams: [],
  };
  const listed = new Set();
  for (const [name, upstream] of Object.entries(health.upstreams || {})) {
    const list = (upstream.replicas || []).map((r, i) => {
      const replica = r.instance || `unnamed ${i + 1}`;
      if (r.instance) {
        listed.add(`${name}/${replica}`);
        seen.set(`${name}/${replica}`, { upstream: name, name: replica, at: now });
      }
      const state = r.set_aside ? 'set-aside' : r.state === 'ready' ? 'ready' : 'down';
      const detail = r.set_aside ? `set aside (${r.state})` : r.state;
      return { name: replica, state, detail };
    });
    for (const [key, gone] of seen) {
      if (gone.upstream !== name || listed.has(key)) continue;
      if (now - gone.at > WINDOW_MS) seen.delete(key);
      else list.push({ name: gone.name, state: 'down', detail: 'gone from the name' });
    }
    const ready = list.filter((r) => r.state === 'ready').length;
    view.upstreams.push({
      name,
      status: upstream.status,
      detail: upstream.detail || `${upstream.status}: ${ready} of ${list.length} ready`,
      replicas: list,
    });
  }
  return view;
}

function draw(container, history, now, title) {
  const keys = history.keys();
  for (const key of keys) {
    drawChart(container, key, title(key), history.series(key), now, WINDOW_MS);
  }
  keepCharts(container, keys);
}

function status(state, text) {
  const element = document.getElementById('status');
  element.dataset.state = state;
  element.textContent = text;
}

poll();
