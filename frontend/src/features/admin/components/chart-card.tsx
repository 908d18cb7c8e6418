import { formatValue } from '../format';
import type { ChartSpec } from '../model/charts';
import { lineColour, TimeChart } from './time-chart';

function lastValue(values: (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

function peak(values: (number | null)[]): number | null {
  let max: number | null = null;
  for (const v of values) if (v !== null && (max === null || v > max)) max = v;
  return max;
}

/**
 * One chart with its legend as a table of each line's latest value and
 * five-minute peak: the numbers the canvas draws, readable as text.
 */
export function ChartCard(props: { spec: ChartSpec }) {
  const { spec } = props;
  const headingId = `admin-chart-${spec.id}`;
  const fmt = (v: number | null) => (v === null ? '–' : formatValue(spec.unit, v));
  return (
    <section className="admin-chart" aria-labelledby={headingId} data-chart={spec.id} data-points={spec.times.length}>
      <h3 id={headingId}>{spec.title}</h3>
      <TimeChart spec={spec} />
      <table className="admin-legend">
        <caption className="admin-visually-hidden">{spec.title}: latest and 5-minute peak</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Now</th>
            <th scope="col">Peak</th>
          </tr>
        </thead>
        <tbody>
          {spec.lines.map((line, i) => (
            <tr key={line.label} data-line={line.label} data-kind={line.kind} data-peak={peak(line.values) ?? 0}>
              <th scope="row">
                <span className="admin-swatch" style={{ backgroundColor: lineColour(line, i) }} />
                {line.label}
              </th>
              <td>{fmt(lastValue(line.values))}</td>
              <td>{fmt(peak(line.values))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
