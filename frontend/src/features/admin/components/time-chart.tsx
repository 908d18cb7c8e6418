import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatValue } from '../format';
import type { ChartSpec, Line } from '../model/charts';

const height = 180;
const palette = ['#2563eb', '#d97706', '#059669', '#9333ea', '#db2777', '#0891b2', '#65a30d', '#7c3aed'];

/**
 * The colour of a line: the objective red, a chart's first line (the
 * cluster) near black, every other line its own colour by position.
 */
export function lineColour(line: Line, index: number): string {
  if (line.kind === 'slo') return '#dc2626';
  if (index === 0) return '#111827';
  return palette[(index - 1) % palette.length] ?? '#6b7280';
}

function toData(spec: ChartSpec): uPlot.AlignedData {
  return [spec.times, ...spec.lines.map((l) => l.values)];
}

function options(spec: ChartSpec, width: number): uPlot.Options {
  const fmt = (v: number | null) => (v === null ? '–' : formatValue(spec.unit, v));
  return {
    width,
    height,
    // The table under the chart is the legend: it is text a screen reader
    // and a test can read, which uPlot's hover legend is not.
    legend: { show: false },
    scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [{}, { size: 70, values: (_u, splits) => splits.map((v) => fmt(v)) }],
    series: [
      {},
      ...spec.lines.map((line, i) => ({
        label: line.label,
        stroke: lineColour(line, i),
        width: line.kind === 'total' ? 2 : 1.5,
        ...(line.kind === 'slo' ? { dash: [6, 4], points: { show: false } } : {}),
        value: (_u: uPlot, v: number | null) => fmt(v),
      })),
    ],
  };
}

/**
 * A uPlot line chart of one spec. uPlot draws on a canvas and sets sizes
 * through element.style (CSSOM), which the strict CSP allows. The chart is
 * rebuilt only when its lines change (a replica joins or leaves); new
 * samples go through setData, which is what keeps it cheap at 2 s.
 */
export function TimeChart(props: { spec: ChartSpec }) {
  const { spec } = props;
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(spec);
  latest.current = spec;
  const shape = `${spec.unit}|${spec.lines.map((l) => l.label).join('|')}`;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(options(latest.current, el.clientWidth || 400), toData(latest.current), el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth || 400, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(toData(spec));
  }, [spec]);

  return <div className="admin-chart-canvas" ref={box} aria-hidden="true" />;
}
