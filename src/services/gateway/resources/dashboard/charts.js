// One small chart per route or replica: requests and errors per second over the window,
// as two SVG polylines, redrawn in place at every poll.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 300;
const HEIGHT = 70;
const TOP = 12;

/** Makes or updates, in `container`, the figure of `key` (points: [{t, requests, errors}]). */
export function drawChart(container, key, title, points, now, windowMs) {
  let figure = [...container.children].find((f) => f.dataset.key === key);
  if (!figure) figure = newFigure(container, key, title);
  const max = niceMax(Math.max(1, ...points.map((p) => p.requests)));
  const x = (t) => WIDTH - ((now - t) / windowMs) * WIDTH;
  const y = (v) => HEIGHT - (v / max) * (HEIGHT - TOP);
  const line = (field) => points.map((p) => `${x(p.t).toFixed(1)},${y(p[field]).toFixed(1)}`)
    .join(' ');
  figure.querySelector('.requests').setAttribute('points', line('requests'));
  figure.querySelector('.errors').setAttribute('points', line('errors'));
  figure.querySelector('.scale').textContent = `${max}/s`;
  const last = points[points.length - 1] || { requests: 0, errors: 0 };
  figure.dataset.requests = last.requests.toFixed(2);
  figure.dataset.errors = last.errors.toFixed(2);
  figure.querySelector('.now').textContent =
    `${last.requests.toFixed(1)} req/s, ${last.errors.toFixed(1)} err/s`;
}

/** Removes the figures whose key is not in `keys`. */
export function keepCharts(container, keys) {
  for (const figure of [...container.children]) {
    if (!keys.includes(figure.dataset.key)) figure.remove();
  }
}

function newFigure(container, key, title) {
  const figure = document.createElement('figure');
  figure.dataset.key = key;
  const caption = document.createElement('figcaption');
  const name = document.createElement('div');
  name.className = 'name';
  name.textContent = title;
  name.title = title;
  const now = document.createElement('div');
  now.className = 'now';
  caption.append(name, now);
  const scale = document.createElement('span');
  scale.className = 'scale';
  // Stretched to the figure's width: lines only, the text stays outside the SVG.
  const svg = element('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: 'none' });
  svg.append(
    element('line', { class: 'axis', x1: 0, y1: HEIGHT - 0.5, x2: WIDTH, y2: HEIGHT - 0.5 }),
    element('line', { class: 'axis', x1: 0, y1: TOP, x2: WIDTH, y2: TOP }),
    element('polyline', { class: 'requests' }),
    element('polyline', { class: 'errors' }),
  );
  figure.append(caption, scale, svg);
  const siblings = [...container.children];
  const after = siblings.find((f) => f.dataset.key > key);
  container.insertBefore(figure, after || null);
  return figure;
}

/** The first of 1, 2, 5, 10, 20, 50... at or above `value`: a scale that reads well. */
function niceMax(value) {
  for (let step = 1; ; step *= 10) {
    for (const m of [1, 2, 5]) if (m * step >= value) return m * step;
  }
}

export function element(name, attributes = {}) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
  return node;
}
