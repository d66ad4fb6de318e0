// Per-follower copy counts and latency from replicationStats: a table, and the same p50/p99
// drawn as SVG bars on one millisecond axis (no chart library: rects, lines and text).
import { formatMs, row } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 720;
const LABEL_WIDTH = 200;
const RIGHT = 60;
const ROW = 40;
const TOP = 8;
const AXIS = 26;

function followerName(stats) {
  return stats.follower ? `${stats.follower.label} (${stats.follower.clientCode})` : stats.followerId;
}

function svg(name, attributes, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Axis ticks are round numbers: "0 ms", "250 ms", "1.5 s". */
const tickLabel = (ms) => (ms < 1000 ? `${ms} ms` : `${ms / 1000} s`);

/** A round axis end at or above `ms`: 1, 2 or 5 times a power of ten. */
function niceMax(ms) {
  const power = 10 ** Math.floor(Math.log10(Math.max(ms, 1)));
  return [1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= ms);
}

function drawChart(chart, stats) {
  const axisMax = niceMax(Math.max(1, ...stats.map((s) => s.latencyP99Ms ?? s.latencyP50Ms ?? 0)));
  const plot = WIDTH - LABEL_WIDTH - RIGHT;
  const height = TOP + stats.length * ROW + AXIS;
  const x = (ms) => LABEL_WIDTH + (ms / axisMax) * plot;
  chart.setAttribute('viewBox', `0 0 ${WIDTH} ${height}`);
  chart.setAttribute(
    'aria-label',
    `Copy latency per follower: ${stats.map((s) => `${followerName(s)} p50 ${formatMs(s.latencyP50Ms)}, p99 ${formatMs(s.latencyP99Ms)}`).join('; ')}`,
  );
  const parts = [];
  for (let tick = 0; tick <= 4; tick += 1) {
    const ms = (axisMax * tick) / 4;
    parts.push(svg('line', { class: 'grid', x1: x(ms), x2: x(ms), y1: TOP, y2: height - AXIS }));
    parts.push(svg('text', { class: 'tick', x: x(ms), y: height - 8, 'text-anchor': 'middle' }, tickLabel(ms)));
  }
  stats.forEach((s, i) => {
    const mid = TOP + i * ROW + ROW / 2;
    const group = svg('g', { class: 'series', 'data-follower-id': s.followerId });
    group.append(
      svg('title', {}, `${followerName(s)}: p50 ${formatMs(s.latencyP50Ms)}, p99 ${formatMs(s.latencyP99Ms)}, ${s.samples} samples`),
    );
    group.append(svg('text', { class: 'label', x: LABEL_WIDTH - 8, y: mid + 4, 'text-anchor': 'end' }, followerName(s)));
    if (s.latencyP99Ms === null) {
      group.append(svg('text', { class: 'tick', x: LABEL_WIDTH + 6, y: mid + 4 }, 'no acknowledged copies yet'));
    } else {
      group.append(svg('rect', { class: 'p99', x: LABEL_WIDTH, y: mid - 9, width: x(s.latencyP99Ms) - LABEL_WIDTH, height: 18 }));
      group.append(svg('rect', { class: 'p50', x: LABEL_WIDTH, y: mid - 9, width: x(s.latencyP50Ms ?? 0) - LABEL_WIDTH, height: 18 }));
      group.append(svg('text', { class: 'value', x: x(s.latencyP99Ms) + 4, y: mid + 4 }, formatMs(s.latencyP99Ms)));
    }
    parts.push(group);
  });
  chart.replaceChildren(...parts);
}

export function createLatencyView({ tableBody, chart, note }) {
  return {
    show(stats) {
      const sorted = [...stats].sort((a, b) => followerName(a).localeCompare(followerName(b)));
      tableBody.replaceChildren(
        ...sorted.map((s) =>
          row([
            followerName(s),
            s.copied,
            s.failed,
            s.skipped,
            s.inFlight,
            s.samples,
            formatMs(s.latencyP50Ms),
            formatMs(s.latencyP95Ms),
            formatMs(s.latencyP99Ms),
          ]),
        ),
      );
      drawChart(chart, sorted);
      note.textContent = sorted.length === 0 ? 'No followers to show.' : `Updated ${new Date().toLocaleTimeString([], { hour12: false })}`;
    },
    failed(message) {
      note.textContent = `Could not refresh: ${message}`;
    },
  };
}
