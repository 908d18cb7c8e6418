import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { OutboxEntry } from '../../../lib/outbox';
import type { Message } from '../../../lib/schemas';
import { useKeepEndOnResize } from '../hooks/use-keep-end-on-resize';
import { MessageRow, PendingRow, type RowActions } from './message-row';

/** One row of the list: a stored message or one still in the outbox. */
export type ListItem =
  | { key: string; kind: 'message'; message: Message }
  | { key: string; kind: 'pending'; entry: OutboxEntry };

/**
 * Builds the rows: history, then what is still being sent. Every row shows
 * its author: grouping a row under the one before would change its height
 * when an older page arrives, and the view would jump.
 */
export function buildItems(messages: Message[], pending: OutboxEntry[]): ListItem[] {
  const items: ListItem[] = [];
  for (const message of messages) items.push({ key: `m${message.seq}`, kind: 'message', message });
  for (const entry of pending) items.push({ key: `p${entry.client_id}`, kind: 'pending', entry });
  return items;
}

/** How close to the top (in rows) the list asks for older history. */
const loadOlderThreshold = 10;
/** How close to the bottom (in rows) a window short of the present asks for newer history. */
const loadNewerThreshold = 10;

/**
 * The virtualized message list. Only the rows in view (plus a few) are in
 * the DOM, whatever the room's length. It is anchored to its end: it opens
 * at the newest message, follows new ones while the reader is at the bottom,
 * and keeps the view still when older pages are put in above.
 */
export function MessageList(props: {
  items: ListItem[];
  meId: number;
  meName: string;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  onSeen: (seq: number) => void;
  editingSeq: number | null;
  actions: RowActions;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  /** A message to open at, in the middle of the view, and mark (a search result). */
  targetSeq?: number;
  /** Whether newer messages exist after the last row (the list opened at an older message). */
  hasNewer?: boolean;
  loadingNewer?: boolean;
  onLoadNewer?: () => void;
}) {
  const { items, hasOlder, loadingOlder, onLoadOlder, onSeen, targetSeq, hasNewer, loadingNewer, onLoadNewer } = props;
  const targetIndex = targetSeq === undefined ? -1 : items.findIndex((i) => i.kind === 'message' && i.message.seq === targetSeq);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 52,
    getItemKey: (index) => items[index]?.key ?? index,
    overscan: 10,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: 48,
    paddingStart: 40,
    paddingEnd: 8,
  });
  useKeepEndOnResize(scrollRef, 48);
  const virtualItems = virtualizer.getVirtualItems();

  // Open at the newest message, or at the target.
  const opened = useRef(false);
  useLayoutEffect(() => {
    if (opened.current || items.length === 0) return;
    opened.current = true;
    if (targetIndex >= 0) virtualizer.scrollToIndex(targetIndex, { align: 'center' });
    else virtualizer.scrollToIndex(items.length - 1, { align: 'end' });
  }, [items.length, targetIndex, virtualizer]);

  // Sending a message brings the reader to the bottom, wherever they were.
  const lastKey = items[items.length - 1]?.key;
  const lastIsMinePending = items[items.length - 1]?.kind === 'pending';
  useEffect(() => {
    if (lastIsMinePending && opened.current) virtualizer.scrollToIndex(items.length - 1, { align: 'end' });
  }, [lastKey, lastIsMinePending, items.length, virtualizer]);

  // Older history is asked for only once the list has shown its end: the
  // first render lays out the top rows before the scroll to the end lands,
  // and a page put in above then would pin the view mid-room (seen on a
  // busy machine, where that scroll takes several frames).
  // Opened at a target, the list waits until the target is in view.
  const lastVisible = virtualItems[virtualItems.length - 1]?.index;
  const firstVisible = virtualItems[0]?.index;
  const openedAt = targetIndex >= 0 ? targetIndex : items.length - 1;
  const [shownEnd, setShownEnd] = useState(false);
  useEffect(() => {
    if (shownEnd || !opened.current || lastVisible === undefined || firstVisible === undefined) return;
    if (firstVisible <= openedAt && openedAt <= lastVisible) setShownEnd(true);
  }, [shownEnd, firstVisible, lastVisible, openedAt]);

  useEffect(() => {
    if (lastVisible === undefined || !shownEnd || !hasNewer || loadingNewer) return;
    if (lastVisible >= items.length - loadNewerThreshold) onLoadNewer?.();
  }, [lastVisible, shownEnd, hasNewer, loadingNewer, onLoadNewer, items.length]);

  const first = virtualItems[0]?.index;
  useEffect(() => {
    if (first === undefined || !shownEnd) return;
    if (first < loadOlderThreshold && hasOlder && !loadingOlder) onLoadOlder();
  }, [first, shownEnd, hasOlder, loadingOlder, onLoadOlder]);

  // The read marker follows the newest message actually on screen.
  const seenSeq = useMemo(() => {
    if (lastVisible === undefined) return undefined;
    for (let i = Math.min(lastVisible, items.length - 1); i >= 0; i--) {
      const item = items[i];
      if (item?.kind === 'message') return item.message.seq;
    }
    return undefined;
  }, [lastVisible, items]);
  useEffect(() => {
    if (seenSeq !== undefined) onSeen(seenSeq);
  }, [seenSeq, onSeen]);

  return (
    <div className="message-scroll" ref={scrollRef} role="log" aria-label="Messages" tabIndex={0}>
      <div className="message-canvas" style={{ height: virtualizer.getTotalSize() }}>
        <p className="history-edge muted">
          {hasOlder ? (loadingOlder ? 'Loading older messages…' : '') : 'This is the start of the room.'}
        </p>
        {virtualItems.map((v) => {
          const item = items[v.index];
          if (!item) return null;
          return (
            <div
              key={v.key}
              className={v.index === targetIndex ? 'message-slot target' : 'message-slot'}
              data-index={v.index}
              ref={virtualizer.measureElement}
              style={{ transform: `translateY(${v.start}px)` }}
            >
              {item.kind === 'message' ? (
                <MessageRow
                  message={item.message}
                  mine={item.message.user.id === props.meId}
                  editing={props.editingSeq === item.message.seq}
                  actions={props.actions}
                />
              ) : (
                <PendingRow
                  entry={item.entry}
                  authorName={props.meName}
                  onRetry={props.onRetry}
                  onDiscard={props.onDiscard}
                />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
