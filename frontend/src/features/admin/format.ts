import type { Unit } from './model/charts';

/** A byte count the way an operator reads it (KiB, MiB, GiB). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** A duration in seconds as days, hours, minutes and seconds. */
export function formatUptime(seconds: number): string {
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** A latency in milliseconds. */
export function formatMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

/** A value in a chart's unit, short enough for an axis label. */
export function formatValue(unit: Unit, v: number): string {
  switch (unit) {
    case 'bytes':
      return formatBytes(v);
    case 'ms':
      return formatMs(v);
    case 'share':
      return `${(v * 100).toPrecision(2)}%`;
    case 'per_s':
      return v >= 100 ? `${Math.round(v)}/s` : `${v.toFixed(1)}/s`;
    case 'count':
      return Number.isInteger(v) ? String(v) : v.toFixed(1);
  }
}
