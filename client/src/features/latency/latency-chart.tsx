import { For, Show } from 'solid-js';
import { formatLatency } from '../../ui/format.ts';
import type { LatencyChart as Chart, LatencySeries } from './latency.ts';

const WIDTH = 880;
const LABEL_WIDTH = 170;
const RIGHT = 24;
const ROW = 44;
const TOP = 12;
const AXIS = 28;

/** Axis ticks are round numbers: "250 ms", "1 s", "2.5 s". */
const tickLabel = (ms: number) => (ms < 1000 ? `${ms} ms` : `${ms / 1000} s`);

/**
 * One horizontal band per follower on a shared millisecond axis: a dark bar to the p50, a light
 * bar on to the p99 (both over the chosen window), and a dot for each of the last N copies.
 * Drawn as plain SVG; the same numbers are in the table below it for screen readers.
 */
export default function LatencyChart(props: { chart: Chart }) {
  const plotWidth = WIDTH - LABEL_WIDTH - RIGHT;
  const height = () => TOP + props.chart.series.length * ROW + AXIS;
  const x = (ms: number) => LABEL_WIDTH + (Math.min(ms, props.chart.maxMs) / props.chart.maxMs) * plotWidth;
  const summary = (s: LatencySeries) =>
    `${s.label}: p50 ${formatLatency(s.p50Ms)}, p99 ${formatLatency(s.p99Ms)}, ${s.recentMs.length} recent copies`;

  return (
    <svg
      class="latency-chart"
      viewBox={`0 0 ${WIDTH} ${height()}`}
      role="img"
      aria-label={`Replication latency per follower: ${props.chart.series.map(summary).join('; ')}`}
    >
      <g class="axis">
        <For each={props.chart.ticks}>
          {(tick) => (
            <>
              <line class="grid" x1={x(tick)} x2={x(tick)} y1={TOP} y2={height() - AXIS} />
              <text x={x(tick)} y={height() - AXIS + 18} text-anchor="middle">
                {tickLabel(tick)}
              </text>
            </>
          )}
        </For>
      </g>
      <For each={props.chart.series}>
        {(s, i) => {
          const top = () => TOP + i() * ROW;
          const mid = () => top() + ROW / 2;
          return (
            <g class="series" data-follower={s.followerId}>
              <title>{summary(s)}</title>
              <text class="label" x={LABEL_WIDTH - 10} y={mid() + 4} text-anchor="end">
                {s.label}
              </text>
              <Show when={s.p99Ms !== null}>
                <rect class="p99" x={LABEL_WIDTH} y={mid() - 9} width={x(s.p99Ms ?? 0) - LABEL_WIDTH} height={18} rx={2} />
              </Show>
              <Show when={s.p50Ms !== null}>
                <rect class="p50" x={LABEL_WIDTH} y={mid() - 9} width={x(s.p50Ms ?? 0) - LABEL_WIDTH} height={18} rx={2} />
              </Show>
              <For each={s.recentMs}>{(ms, j) => <circle class="dot" cx={x(ms)} cy={mid() + ((j() % 3) - 1) * 4} r={3.5} />}</For>
              <Show when={s.p50Ms === null && s.recentMs.length === 0}>
                <text x={LABEL_WIDTH + 6} y={mid() + 4} class="axis">
                  no acknowledged copies
                </text>
              </Show>
            </g>
          );
        }}
      </For>
    </svg>
  );
}
