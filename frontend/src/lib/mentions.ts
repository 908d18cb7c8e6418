// The client's side of the server's mention rules (server/chat/mention.go):
// '@' at a word boundary followed by a username, 3–32 of a-z 0-9 _ . -,
// any letter case; @room mentions every member where the room allows it.

/** The name that mentions every member of a room. */
export const roomMention = 'room';

/** Characters a username is made of. */
const nameChar = /[a-z0-9_.-]/i;

/** A character after which '@' does not start a mention. */
function joinsWord(c: string | undefined): boolean {
  return c !== undefined && (nameChar.test(c) || c === '@' || c === '`' || /[\p{L}\p{N}]/u.test(c));
}

/** The mention being typed: where its '@' is and what follows it so far. */
export interface MentionQuery {
  start: number;
  query: string;
}

/**
 * Finds the mention token that ends at the caret, if the user is typing
 * one: '@' at a word boundary and up to 32 name characters before the
 * caret. Code between backticks is not checked for: completing there is
 * harmless, and the server ignores it.
 */
export function mentionAt(text: string, caret: number): MentionQuery | undefined {
  let i = caret;
  while (i > 0 && caret - i <= 32 && nameChar.test(text[i - 1] ?? '')) i--;
  if (i === 0 || text[i - 1] !== '@' || caret - i > 32) return undefined;
  const at = i - 1;
  if (joinsWord(text[at - 1])) return undefined;
  return { start: at, query: text.slice(i, caret).toLowerCase() };
}

/**
 * Replaces the token at q (up to the caret) with @name and a space, and
 * returns the new text and where the caret goes.
 */
export function completeMention(
  text: string,
  caret: number,
  q: MentionQuery,
  name: string,
): { text: string; caret: number } {
  const inserted = `@${name} `;
  const rest = text.slice(caret).replace(/^[a-z0-9_.-]*/i, '');
  const before = text.slice(0, q.start) + inserted;
  return { text: before + rest.replace(/^ /, ''), caret: before.length };
}
