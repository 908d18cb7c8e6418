// Parley's one rule for a message's time, shared with the server-rendered
// pages (server/pages/clock.go), so that a message shows the same text in
// both: "15:04" on the reader's today, "Jan 2, 15:04" earlier in the same
// year, "Jan 2, 2006, 15:04" before that, on a 24-hour clock. Month names
// are spelled here rather than by a locale, so the two cannot differ.

const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formats.set(timeZone, f);
  }
  return f;
}

function wallClock(t: Date, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatIn(timeZone).formatToParts(t)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    // Some engines write midnight as 24 even on a 23-hour cycle.
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
  };
}

const two = (n: number) => String(n).padStart(2, '0');

/** A message's time as the list shows it, in timeZone, relative to now. */
export function clock(t: Date, now: Date, timeZone: string): string {
  const w = wallClock(t, timeZone);
  const n = wallClock(now, timeZone);
  const hm = `${two(w.hour)}:${two(w.minute)}`;
  const month = monthNames[w.month - 1] ?? '';
  if (w.year === n.year && w.month === n.month && w.day === n.day) return hm;
  if (w.year === n.year) return `${month} ${w.day}, ${hm}`;
  return `${month} ${w.day}, ${w.year}, ${hm}`;
}

/** The long form shown on hover: the date with its year and the zone. */
export function fullClock(t: Date, timeZone: string): string {
  const w = wallClock(t, timeZone);
  return `${monthNames[w.month - 1] ?? ''} ${w.day}, ${w.year}, ${two(w.hour)}:${two(w.minute)} ${timeZone}`;
}
