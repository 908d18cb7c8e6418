/**
 * Message formatting: the body, as stored, parsed into the small Markdown
 * subset Parley shows (bold, italic, strike, inline code, fenced code,
 * quotes, lists, auto-detected links, @mentions). The result is a tree of
 * plain data that components/ui/markup.tsx turns into React elements, so
 * no HTML string is ever built from a body.
 *
 * The server renders the no-JavaScript pages with its own implementation
 * of the same rules (server/markup). Both must give the same output for
 * every input: server/markup/testdata/vectors.json is read by the tests of
 * both, and docs/formatting.md states the rules. Change all three together.
 *
 * Parsing is linear in the body's length: no rule looks back further than
 * one character, emphasis nests at most one level per kind, and a code
 * span's closing run is found from a table built in one pass. It works on
 * UTF-16 code units where the server works on UTF-8 bytes; every test looks
 * at ASCII characters only and treats anything else alike, so both agree.
 */

/** A piece of a line: plain text as a string, or an element. */
export type Inline =
  | string
  | { kind: 'strong' | 'em' | 'del'; children: Inline[] }
  | { kind: 'code'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'mention'; name: string };

/** A block of a body. */
export type Block =
  | { kind: 'p'; lines: Inline[][] }
  | { kind: 'pre'; text: string }
  | { kind: 'quote'; children: Block[] }
  | { kind: 'ul'; items: Inline[][] }
  | { kind: 'ol'; start: number; items: Inline[][] };

/** How deep quotes nest; a ">" deeper than that is text. */
const maxQuoteDepth = 4;
/** Keeps a numbered list's first number an integer both sides agree on. */
const maxStartDigits = 9;
const minMention = 3;
const maxMention = 32;

const TAB = 9;
const SPACE = 32;
const BACKTICK = 96;
const BACKSLASH = 92;
const AT = 64;
const STAR = 42;
const UNDERSCORE = 95;
const TILDE = 126;

/** Splits body into blocks. */
export function parse(body: string): Block[] {
  return parseBlocks(new InlineParser(), normalize(body).split('\n'), 0);
}

/** Line ends become "\n"; NUL and lone surrogates become U+FFFD. */
function normalize(s: string): string {
  if (/[\r\0]/.test(s)) s = s.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD');
  if (/[\uD800-\uDFFF]/.test(s)) {
    s = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  }
  return s;
}

function parseBlocks(p: InlineParser, ls: string[], depth: number): Block[] {
  const out: Block[] = [];
  let i = 0;
  while (i < ls.length) {
    const line = ls[i] as string;
    if (blank(line)) {
      i++;
      continue;
    }
    const fence = fenceOpen(line);
    if (fence > 0) {
      let j = i + 1;
      while (j < ls.length && !fenceClose(ls[j] as string, fence)) j++;
      out.push({ kind: 'pre', text: ls.slice(i + 1, j).join('\n') });
      i = j + 1;
      continue;
    }
    if (depth < maxQuoteDepth && quoted(line)) {
      const inner: string[] = [];
      for (; i < ls.length && quoted(ls[i] as string); i++) inner.push(unquote(ls[i] as string));
      out.push({ kind: 'quote', children: parseBlocks(p, inner, depth + 1) });
      continue;
    }
    const first = listItem(line);
    if (first) {
      const items: Inline[][] = [];
      for (; i < ls.length; i++) {
        const next = listItem(ls[i] as string);
        if (!next || next.numbered !== first.numbered) break;
        items.push(p.parse(next.content));
      }
      out.push(first.numbered ? { kind: 'ol', start: first.number, items } : { kind: 'ul', items });
      continue;
    }
    const lines: Inline[][] = [];
    for (; i < ls.length && !blank(ls[i] as string) && (lines.length === 0 || !startsBlock(ls[i] as string, depth)); i++) {
      lines.push(p.parse(ls[i] as string));
    }
    out.push({ kind: 'p', lines });
  }
  return out;
}

function startsBlock(line: string, depth: number): boolean {
  return fenceOpen(line) > 0 || (depth < maxQuoteDepth && quoted(line)) || listItem(line) !== null;
}

function blank(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (!space(line.charCodeAt(i))) return false;
  return true;
}

/** Three or more backticks open a code block, unless another follows ("```x```" is inline). */
function fenceOpen(line: string): number {
  const n = backticks(line, 0);
  return n < 3 || line.indexOf('`', n) >= 0 ? 0 : n;
}

function fenceClose(line: string, n: number): boolean {
  const m = backticks(line, 0);
  return m >= n && blank(line.slice(m));
}

function backticks(s: string, i: number): number {
  let j = i;
  while (j < s.length && s.charCodeAt(j) === BACKTICK) j++;
  return j - i;
}

function quoted(line: string): boolean {
  return line.charCodeAt(0) === 62; // >
}

function unquote(line: string): string {
  return line.charCodeAt(1) === SPACE ? line.slice(2) : line.slice(1);
}

interface Item {
  numbered: boolean;
  number: number;
  content: string;
}

/** "- x", "* x", "+ x", "1. x", "1) x" after any indentation, content not blank. */
function listItem(line: string): Item | null {
  let i = 0;
  while (i < line.length && space(line.charCodeAt(i))) i++;
  const c = line.charCodeAt(i);
  let numbered = false;
  let number = 0;
  if (c === 45 || c === STAR || c === 43) {
    i++;
  } else if (digit(c)) {
    let j = i;
    while (j < line.length && digit(line.charCodeAt(j))) j++;
    const d = line.charCodeAt(j);
    if (j - i > maxStartDigits || (d !== 46 && d !== 41)) return null;
    numbered = true;
    number = Number(line.slice(i, j));
    i = j + 1;
  } else {
    return null;
  }
  if (i >= line.length || !space(line.charCodeAt(i))) return null;
  while (i < line.length && space(line.charCodeAt(i))) i++;
  if (i === line.length) return null;
  return { numbered, number, content: line.slice(i) };
}

function space(c: number): boolean {
  return c === SPACE || c === TAB;
}

function digit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function alnum(c: number): boolean {
  return digit(c) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** A letter or digit, or any non-ASCII code unit (as any non-ASCII byte on the server). */
function word(c: number): boolean {
  return c >= 0x80 || alnum(c);
}

type EmphasisKind = 'strong' | 'em' | 'del';

interface Frame {
  kind: EmphasisKind | '';
  char: number;
  /** As typed: it becomes text again if never closed. */
  delim: string;
  nodes: Inline[];
}

interface Run {
  start: number;
  n: number;
  /** Index of the next run of the same length, or -1. */
  next: number;
}

/** Parses one line at a time; reused across the lines of a body. */
class InlineParser {
  private s = '';
  private stack: Frame[] = [];
  private lit = '';
  private runs: Run[] = [];
  private run = 0;

  parse(s: string): Inline[] {
    this.s = s;
    this.stack = [{ kind: '', char: 0, delim: '', nodes: [] }];
    this.lit = '';
    this.run = 0;
    this.runs = s.indexOf('`') >= 0 ? backtickRuns(s) : [];
    let a = 0; // start of the plain text not yet in lit
    let i = 0;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === BACKSLASH && i + 1 < s.length && escapable(s.charCodeAt(i + 1))) {
        this.lit += s.slice(a, i) + s[i + 1];
        i += 2;
        a = i;
        continue;
      }
      if (c === BACKTICK) {
        this.lit += s.slice(a, i);
        i = this.code(i);
        a = i;
        continue;
      }
      if (c === 104 || c === 72 || c === 119 || c === 87 || c === 109 || c === 77) {
        const l = link(s, i);
        if (l) {
          this.lit += s.slice(a, i);
          this.add({ kind: 'link', text: s.slice(i, l.end), href: l.href });
          i = a = l.end;
          continue;
        }
      } else if (c === AT) {
        const e = mention(s, i);
        if (e > 0) {
          this.lit += s.slice(a, i);
          this.add({ kind: 'mention', name: s.slice(i + 1, e) });
          i = a = e;
          continue;
        }
      } else if (c === STAR || c === UNDERSCORE || c === TILDE) {
        this.lit += s.slice(a, i);
        i = this.delimiter(i);
        a = i;
        continue;
      }
      i++;
    }
    this.lit += s.slice(a);
    this.flush();
    while (this.stack.length > 1) this.unwind();
    return (this.stack[0] as Frame).nodes;
  }

  private top(): Frame {
    return this.stack[this.stack.length - 1] as Frame;
  }

  private flush() {
    if (this.lit === '') return;
    this.top().nodes.push(this.lit);
    this.lit = '';
  }

  private add(node: Inline) {
    this.flush();
    this.top().nodes.push(node);
  }

  /** Turns the innermost open frame back into text. */
  private unwind() {
    const f = this.stack.pop() as Frame;
    const nodes = this.top().nodes;
    nodes.push(f.delim);
    for (const n of f.nodes) nodes.push(n);
  }

  /** Ends the frame at index k; frames opened inside it become text. */
  private close(k: number) {
    this.flush();
    while (this.stack.length - 1 > k) this.unwind();
    const f = this.stack.pop() as Frame;
    this.add({ kind: f.kind as EmphasisKind, children: f.nodes });
  }

  private open(kind: EmphasisKind, char: number, delim: string) {
    this.flush();
    this.stack.push({ kind, char, delim, nodes: [] });
  }

  private find(kind: EmphasisKind, char: number): number {
    for (let k = this.stack.length - 1; k > 0; k--) {
      const f = this.stack[k] as Frame;
      if (f.kind === kind && f.char === char) return k;
    }
    return -1;
  }

  /**
   * The run of '*', '_' or '~' at i. "*" and "_" emphasise, "**" and "__"
   * make strong, "***" and "___" both, "~~" strikes; other runs are text.
   * A run opens when the next character is not a space and closes when the
   * previous one is not; "_" also needs no letter or digit outside it.
   */
  private delimiter(i: number): number {
    const s = this.s;
    const c = s.charCodeAt(i);
    let j = i;
    while (j < s.length && s.charCodeAt(j) === c) j++;
    const n = j - i;
    const prev = i > 0 ? s.charCodeAt(i - 1) : SPACE;
    const next = j < s.length ? s.charCodeAt(j) : SPACE;
    let canOpen = !space(next);
    let canClose = !space(prev);
    if (c === UNDERSCORE) {
      canOpen = canOpen && !word(prev);
      canClose = canClose && !word(next);
    }
    const delim = s.slice(i, j);
    if (c === TILDE) {
      if (n === 2) this.single('del', c, delim, canOpen, canClose);
      else this.lit += delim;
    } else if (n === 1) {
      this.single('em', c, delim, canOpen, canClose);
    } else if (n === 2) {
      this.single('strong', c, delim, canOpen, canClose);
    } else if (n === 3) {
      this.triple(c, delim, canOpen, canClose);
    } else {
      this.lit += delim;
    }
    return j;
  }

  private single(kind: EmphasisKind, c: number, delim: string, canOpen: boolean, canClose: boolean) {
    const k = this.find(kind, c);
    if (canClose && k >= 0) this.close(k);
    else if (canOpen && k < 0) this.open(kind, c, delim);
    else this.lit += delim;
  }

  /** Closes emphasis and strong of c, the inner first, or opens both (emphasis outside). */
  private triple(c: number, delim: string, canOpen: boolean, canClose: boolean) {
    const em = this.find('em', c);
    const st = this.find('strong', c);
    if (canClose && (em >= 0 || st >= 0)) {
      let used = 0;
      if (st > em) {
        this.close(st);
        used += 2;
        if (em >= 0) {
          this.close(em);
          used++;
        }
      } else {
        this.close(em);
        used++;
        if (st >= 0) {
          this.close(st);
          used += 2;
        }
      }
      this.lit += delim.slice(used);
    } else if (canOpen && em < 0 && st < 0) {
      this.open('em', c, delim.slice(0, 1));
      this.open('strong', c, delim.slice(1));
    } else {
      this.lit += delim;
    }
  }

  /** Inline code up to the next backtick run of the same length, or the run as text. */
  private code(i: number): number {
    while ((this.runs[this.run] as Run).start < i) this.run++;
    const r = this.runs[this.run] as Run;
    if (r.next < 0) {
      this.lit += this.s.slice(i, i + r.n);
      return i + r.n;
    }
    const end = this.runs[r.next] as Run;
    let text = this.s.slice(i + r.n, end.start);
    if (text.length >= 2 && text.charCodeAt(0) === SPACE && text.charCodeAt(text.length - 1) === SPACE && /[^ ]/.test(text)) {
      text = text.slice(1, -1);
    }
    this.add({ kind: 'code', text });
    return end.start + end.n;
  }
}

function backtickRuns(s: string): Run[] {
  const runs: Run[] = [];
  for (let i = 0; i < s.length; ) {
    if (s.charCodeAt(i) !== BACKTICK) {
      i++;
      continue;
    }
    const n = backticks(s, i);
    runs.push({ start: i, n, next: -1 });
    i += n;
  }
  const last = new Map<number, number>();
  for (let k = runs.length - 1; k >= 0; k--) {
    const r = runs[k] as Run;
    const j = last.get(r.n);
    if (j !== undefined) r.next = j;
    last.set(r.n, k);
  }
  return runs;
}

/** ASCII punctuation but the backtick. */
function escapable(c: number): boolean {
  return c !== BACKTICK && ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126));
}

const prefixes = ['https://', 'http://', 'mailto:', 'www.'];
const trailing = '?!.,:;*_~\'';

/**
 * A URL at i: http://, https://, mailto: or www. (ASCII case-insensitive)
 * then a letter or digit, not glued to a word before it. It runs to a
 * space or one of < > " ` and gives back trailing punctuation and
 * unbalanced closing parentheses.
 */
function link(s: string, i: number): { end: number; href: string } | null {
  if (i > 0 && alnum(s.charCodeAt(i - 1))) return null;
  let plen = 0;
  for (const prefix of prefixes) {
    if (hasPrefixFold(s, i, prefix)) {
      plen = prefix.length;
      break;
    }
  }
  if (plen === 0 || i + plen >= s.length || !alnum(s.charCodeAt(i + plen))) return null;
  let e = i + plen;
  let opens = 0;
  let closes = 0;
  for (; e < s.length && !urlStop(s.charCodeAt(e)); e++) {
    const c = s.charCodeAt(e);
    if (c === 40) opens++;
    else if (c === 41) closes++;
  }
  for (;;) {
    const c = s[e - 1] as string;
    if (trailing.includes(c)) {
      e--;
    } else if (c === ')' && closes > opens) {
      e--;
      closes--;
    } else {
      break;
    }
  }
  const text = s.slice(i, e);
  return { end: e, href: plen === 4 ? 'https://' + text : text };
}

function hasPrefixFold(s: string, i: number, lowerPrefix: string): boolean {
  if (s.length - i < lowerPrefix.length) return false;
  for (let k = 0; k < lowerPrefix.length; k++) {
    let c = s.charCodeAt(i + k);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lowerPrefix.charCodeAt(k)) return false;
  }
  return true;
}

function urlStop(c: number): boolean {
  return c <= SPACE || c === 0x7f || c === 60 || c === 62 || c === 34 || c === BACKTICK;
}

/** "@name", 3 to 32 username characters, not glued to a word; trailing dots are the sentence's. Returns the end or 0. */
function mention(s: string, i: number): number {
  if (i > 0 && alnum(s.charCodeAt(i - 1))) return 0;
  let e = i + 1;
  for (; e < s.length; e++) {
    const c = s.charCodeAt(e);
    if (!(alnum(c) || c === UNDERSCORE || c === 46 || c === 45)) break;
  }
  while (e > i + 1 && s.charCodeAt(e - 1) === 46) e--;
  const n = e - i - 1;
  return n < minMention || n > maxMention ? 0 : e;
}
