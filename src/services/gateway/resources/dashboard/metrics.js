// Reading the gateway's /metrics (the Prometheus text format) and turning the counters of
// successive polls into requests per second, kept for a window of time.

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Every sample of the page: {name, labels, value}. Comments and blank lines are skipped. */
export function parse(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels = {};
    for (const [, name, value] of (match[2] || '').matchAll(LABEL)) {
      labels[name] = value.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one series `name` with `labels` (all of them must match), or NaN. */
export function value(samples, name, labels = {}) {
  const found = samples.find((s) => s.name === name
    && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found ? found.value : NaN;
}

/**
 * The counter `name` summed into one total per key (`keyOf(labels)`, null to skip a
 * series): {requests, errors}, where errors sums the series `isError(labels)` picks.
 */
export function totals(samples, name, keyOf, isError) {
  const out = new Map();
  for (const s of samples) {
    if (s.name !== name) continue;
    const key = keyOf(s.labels);
    if (key === null) continue;
    const total = out.get(key) || { requests: 0, errors: 0 };
    total.requests += s.value;
    if (isError(s.labels)) total.errors += s.value;
    out.set(key, total);
  }
  return out;
}

/** Per-second rates of totals between one poll and the next, for the last `windowMs`. */
export class History {
  constructor(windowMs) {
    this.windowMs = windowMs;
    this.previous = null;
    this.points = new Map(); // key -> [{t, requests, errors}] (per second)
  }

  /** Adds the totals of the poll at time `t` (ms). */
  add(t, totals) {
    const before = this.previous;
    this.previous = { t, totals };
    for (const [key, total] of totals) {
      const last = before && before.totals.get(key);
      const seconds = before ? (t - before.t) / 1000 : 0;
      // A first sight, or a counter that went back (the gateway restarted): no rate yet.
      if (!last || seconds <= 0 || total.requests < last.requests) continue;
      const points = this.points.get(key) || [];
      points.push({
        t,
        requests: (total.requests - last.requests) / seconds,
        errors: Math.max(0, total.errors - last.errors) / seconds,
      });
      this.points.set(key, points);
    }
    for (const [key, points] of this.points) {
      while (points.length && points[0].t < t - this.windowMs) points.shift();
      if (!points.length) this.points.delete(key);
    }
  }

  /** The keys with points, sorted. */
  keys() {
    return [...this.points.keys()].sort();
  }

  series(key) {
    return this.points.get(key) || [];
  }
}
