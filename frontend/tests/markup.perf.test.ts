// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { markupNodes } from '../src/components/ui/markup';

// The same mix as the server's BenchmarkRender (server/markup): every rule,
// repeated to the longest body a message may have.
const chunk =
  'Deploy **today** at _noon_, not ~~tomorrow~~: run `make release` ' +
  'and watch https://ci.example.com/jobs?id=42&tab=log (ping @ops or @room).\n' +
  '- check *the* dashboards\n- update www.example.org/status\n1. tag\n2. push\n' +
  '> **Note:** <script>alert(1)</script> stays text\n' +
  '```\nfor i in 1 2 3; do echo "$i"; done\n```\n\n';
const body = chunk.repeat(Math.ceil(4000 / chunk.length)).slice(0, 4000);

/** Milliseconds per call of fn: the median of samples runs. */
function median(fn: () => unknown, samples: number): number {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

describe('formatting cost', () => {
  it('OKProductionReact', () => {
    // The budgets hold for what browsers run; the development build's
    // checks would be measured instead if this project's setup drifted.
    expect(process.env.NODE_ENV).toBe('production');
    expect(Object.hasOwn(markupNodes('x')[0] as object, '_store')).toBe(false);
  });

  it('OKLongestMessageUnder1ms', () => {
    expect(body).toHaveLength(4000);
    // Parsing and building the elements of one row, as the list does when
    // a row scrolls into view; the budget is 1 ms. The median keeps a busy
    // machine's pauses out.
    for (let i = 0; i < 200; i++) markupNodes(body);
    const ms = median(() => markupNodes(body), 500);
    console.info(`4,000-character formatted message: ${(ms * 1000).toFixed(0)} µs per render (median)`);
    expect(ms).toBeLessThan(1);
  });

  it('OKHostileInputsUnder1ms', () => {
    // Inputs built to make a naive parser quadratic stay within the same
    // budget at the longest length.
    const hostile = ['*a ', '**_~~a ', '*a_b~~c', 'https://', '@', '>', '- *a\n', '`` ` '].map((s) =>
      s.repeat(Math.floor(4000 / s.length)),
    );
    for (const h of hostile) {
      for (let i = 0; i < 50; i++) markupNodes(h);
      expect(median(() => markupNodes(h), 200)).toBeLessThan(1);
    }
  });
});
