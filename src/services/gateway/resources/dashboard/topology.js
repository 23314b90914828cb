// The topology as one SVG: the gateway, each upstream of its routing table, and each replica
// of that upstream with its state (ready, set aside, down), redrawn at every poll. Each
// replica's group carries data-upstream, data-replica and data-state, for a reader or a test.

import { element } from './charts.js';

const ROW = 46;
const BOX = 36;
const COLUMNS = { gateway: [4, 290], upstream: [370, 230], replica: [680, 296] };

/**
 * Draws `view` into `svg`: {gateway: {name, detail}, upstreams: [{name, status, detail,
 * replicas: [{name, state, detail}]}]}.
 */
export function drawTopology(svg, view) {
  const rows = view.upstreams.reduce((n, u) => n + Math.max(1, u.replicas.length), 0);
  const height = Math.max(1, rows) * ROW + 8;
  svg.setAttribute('viewBox', `0 0 980 ${height}`);
  svg.replaceChildren();
  const gatewayY = height / 2 - BOX / 2;
  let row = 0;
  for (const upstream of view.upstreams) {
    const span = Math.max(1, upstream.replicas.length);
    const upstreamY = 4 + (row + span / 2) * ROW - ROW / 2 + (ROW - BOX) / 2;
    svg.append(edge(COLUMNS.gateway, gatewayY, COLUMNS.upstream, upstreamY));
    upstream.replicas.forEach((replica, i) => {
      const y = 4 + (row + i) * ROW + (ROW - BOX) / 2;
      svg.append(edge(COLUMNS.upstream, upstreamY, COLUMNS.replica, y));
      svg.append(node('replica', COLUMNS.replica, y, replica.name, replica.detail, {
        'data-upstream': upstream.name, 'data-replica': replica.name,
        'data-state': replica.state,
      }));
    });
    svg.append(node('upstream', COLUMNS.upstream, upstreamY, upstream.name, upstream.detail,
      { 'data-upstream': upstream.name, 'data-status': upstream.status }));
    row += span;
  }
  svg.append(node('gateway', COLUMNS.gateway, gatewayY, view.gateway.name,
    view.gateway.detail, {}));
}

/** A line from the right side of one column's box to the left side of the next. */
function edge([x1, w1], y1, [x2], y2) {
  const from = [x1 + w1, y1 + BOX / 2];
  const to = [x2, y2 + BOX / 2];
  const middle = (from[0] + to[0]) / 2;
  return element('path', {
    class: 'edge',
    d: `M${from} C${middle},${from[1]} ${middle},${to[1]} ${to}`,
  });
}

function node(kind, [x, width], y, name, detail, data) {
  const group = element('g', { class: `node ${kind}`, ...data });
  const title = element('title');
  title.textContent = `${name}: ${detail}`;
  const label = element('text', { x: x + 10, y: y + 15 });
  label.textContent = name;
  const sub = element('text', { class: 'detail', x: x + 10, y: y + 30 });
  sub.textContent = detail;
  group.append(title, element('rect', { x, y, width, height: BOX }), label, sub);
  return group;
}
