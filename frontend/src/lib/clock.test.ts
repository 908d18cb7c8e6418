import { describe, expect, it } from 'vitest';
import cases from '../../../server/pages/testdata/clock.json';
import { clock, fullClock } from './clock';

// The same cases as the server's test of its rule (server/pages/clock_test.go):
// a message shows the same text in the app and in the pages without JavaScript.
describe('clock', () => {
  it('OKHasCases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const c of cases) {
    it(`OK ${c.name}`, () => {
      expect(clock(new Date(c.time), new Date(c.now), c.zone)).toBe(c.want);
    });
  }
  it('OKFullClock', () => {
    expect(fullClock(new Date('2026-08-10T02:15:00Z'), 'America/St_Johns')).toBe('Aug 9, 2026, 23:45 America/St_Johns');
    expect(fullClock(new Date('2026-01-01T00:00:00Z'), 'UTC')).toBe('Jan 1, 2026, 00:00 UTC');
  });
});
