import { useMemo, useState } from 'react';
import { mentionAt, roomMention, type MentionQuery } from '../../../lib/mentions';
import type { Member } from '../../../lib/schemas';

/** One choice of the '@' list. */
export interface MentionOption {
  /** What goes after '@': a username, or "room". */
  name: string;
  /** What the list shows beside it. */
  label: string;
}

/** At most this many choices show at once. */
const maxOptions = 8;

/**
 * The choices for what follows '@': @room first where allowed, then the
 * members whose username, or a word of whose display name, starts with
 * query (usernames first).
 */
export function mentionOptions(members: Member[], roomMentions: boolean, query: string): MentionOption[] {
  const q = query.toLowerCase();
  const out: MentionOption[] = [];
  if (roomMentions && roomMention.startsWith(q)) out.push({ name: roomMention, label: 'everyone in this room' });
  const byName = members.filter((m) => m.username.startsWith(q));
  const byDisplay = members.filter(
    (m) => !m.username.startsWith(q) && m.display_name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)),
  );
  for (const m of [...byName, ...byDisplay]) {
    if (out.length >= maxOptions) break;
    out.push({ name: m.username, label: m.display_name || m.username });
  }
  return out;
}

/** The state of the '@' list for a text and its caret. */
export interface MentionCompletion {
  /** Whether the list shows. */
  open: boolean;
  options: MentionOption[];
  /** The highlighted choice. */
  active: number;
  /** The token being completed, when there is one. */
  query: MentionQuery | undefined;
  setActive: (i: number) => void;
  /** Hides the list until another '@' is typed (Escape). */
  dismiss: () => void;
}

/** Follows the mention being typed at the caret and the list it offers. */
export function useMentionCompletion(
  text: string,
  caret: number,
  members: Member[],
  roomMentions: boolean,
): MentionCompletion {
  const query = useMemo(() => mentionAt(text, caret), [text, caret]);
  const options = useMemo(
    () => (query ? mentionOptions(members, roomMentions, query.query) : []),
    [query, members, roomMentions],
  );
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | undefined>(undefined);
  const [seen, setSeen] = useState<string>('');
  // A new token, or more of it typed, starts again from the first choice.
  const key = query ? `${query.start}:${query.query}` : '';
  if (key !== seen) {
    setSeen(key);
    setActive(0);
  }
  return {
    open: query !== undefined && options.length > 0 && dismissedAt !== query.start,
    options,
    active: Math.min(active, Math.max(0, options.length - 1)),
    query,
    setActive,
    dismiss: () => setDismissedAt(query?.start),
  };
}
