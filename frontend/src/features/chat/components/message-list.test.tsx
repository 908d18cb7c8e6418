import { act, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '../../../lib/schemas';
import { stubLayout } from '../../../../tests/layout-stub';
import { buildItems, MessageList } from './message-list';
import type { RowActions } from './message-row';

const ana = { id: 1, username: 'ana', display_name: 'Ana' };
const bo = { id: 2, username: 'bo', display_name: 'Bo' };

function messages(from: number, to: number): Message[] {
  const out: Message[] = [];
  for (let seq = from; seq <= to; seq++) {
    out.push({
      id: seq,
      room_id: 1,
      seq,
      user: seq % 2 ? ana : bo,
      body: `message ${seq}`,
      client_id: `c${seq}`,
      created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      deleted: false,
    });
  }
  return out;
}

const actions: RowActions = {
  onStartEdit: () => undefined,
  onCancelEdit: () => undefined,
  onSaveEdit: () => undefined,
  onDelete: () => undefined,
};

function List(props: {
  list: Message[];
  hasOlder: boolean;
  onLoadOlder?: () => void;
  onSeen?: (s: number) => void;
  targetSeq?: number;
  hasNewer?: boolean;
  onLoadNewer?: () => void;
}) {
  return (
    <MessageList
      items={buildItems(props.list, [])}
      meId={ana.id}
      meName="Ana"
      hasOlder={props.hasOlder}
      loadingOlder={false}
      onLoadOlder={props.onLoadOlder ?? (() => undefined)}
      onSeen={props.onSeen ?? (() => undefined)}
      editingSeq={null}
      actions={actions}
      onRetry={() => undefined}
      onDiscard={() => undefined}
      targetSeq={props.targetSeq}
      hasNewer={props.hasNewer}
      loadingNewer={false}
      onLoadNewer={props.onLoadNewer}
    />
  );
}

/**
 * Waits until the list has stopped moving: the same DOM and scroll
 * position three ticks in a row (the virtualizer measures and scrolls over
 * several frames, and a busy machine stretches them).
 */
async function settle() {
  const snapshot = () => {
    const box = document.querySelector('.message-scroll');
    return `${box?.scrollTop ?? -1}|${document.body.innerHTML}`;
  };
  let last = '';
  let same = 0;
  for (let i = 0; i < 200 && same < 3; i++) {
    await act(async () => {
      await new Promise((r) => setTimeout(r, 20));
    });
    const now = snapshot();
    same = now === last ? same + 1 : 0;
    last = now;
  }
}

function scroller(container: HTMLElement): HTMLElement {
  const el = container.querySelector<HTMLElement>('.message-scroll');
  if (!el) throw new Error('no scroller');
  return el;
}

function rendered(container: HTMLElement): number[] {
  return [...container.querySelectorAll<HTMLElement>('article[data-seq]')].map((el) => Number(el.dataset.seq));
}

/** Where a row sits on screen: its place in the list minus the scroll. */
function screenTop(container: HTMLElement, seq: number): number {
  const slot = container.querySelector(`article[data-seq="${seq}"]`)?.parentElement;
  if (!slot) throw new Error(`row ${seq} not rendered`);
  const y = Number(/translateY\(([-\d.]+)px\)/.exec(slot.style.transform)?.[1]);
  return y - scroller(container).scrollTop;
}

let restore: () => void;
beforeEach(() => {
  restore = stubLayout();
});
afterEach(() => restore());

describe('MessageList', () => {
  it('OKSmallDomForLongRoom', async () => {
    const { container } = render(<List list={messages(1, 10_000)} hasOlder={false} />);
    await settle();
    const seqs = rendered(container);
    expect(seqs.length).toBeGreaterThan(5);
    expect(seqs.length).toBeLessThan(60);
    // Opens at the newest message.
    expect(seqs).toContain(10_000);
  });

  it('OKPrependKeepsView', async () => {
    const onLoadOlder = vi.fn();
    const { container, rerender } = render(
      <List list={messages(951, 1000)} hasOlder onLoadOlder={onLoadOlder} />,
    );
    await settle();
    // Scroll up like a reader, to the top: the list asks for the page before.
    for (const top of [1500, 1000, 500, 0]) {
      act(() => {
        scroller(container).scrollTop = top;
      });
      await settle();
    }
    await vi.waitFor(() => expect(onLoadOlder).toHaveBeenCalled(), { timeout: 5_000 });
    const anchor = rendered(container)[0] as number;
    const before = screenTop(container, anchor);

    rerender(<List list={messages(901, 1000)} hasOlder onLoadOlder={onLoadOlder} />);
    // The row the reader was looking at has not moved on screen, once the
    // list has measured the rows put above it (later on a busy machine).
    await vi.waitFor(
      () => {
        expect(screenTop(container, anchor)).toBe(before);
        expect(scroller(container).scrollTop).toBeGreaterThanOrEqual(50 * 50 - 1);
      },
      { timeout: 5_000 },
    );
  });

  it('OKFollowsNewAtBottom', async () => {
    const onSeen = vi.fn();
    const { container, rerender } = render(<List list={messages(1, 100)} hasOlder={false} onSeen={onSeen} />);
    await settle();
    expect(onSeen).toHaveBeenLastCalledWith(100);
    rerender(<List list={messages(1, 101)} hasOlder={false} onSeen={onSeen} />);
    await settle();
    expect(rendered(container)).toContain(101);
    const el = scroller(container);
    expect(el.scrollTop).toBe(el.scrollHeight - el.clientHeight);
    expect(onSeen).toHaveBeenLastCalledWith(101);
  });

  it('OKStaysPutWhenReadingHistory', async () => {
    const { container, rerender } = render(<List list={messages(1, 100)} hasOlder={false} />);
    await settle();
    act(() => {
      scroller(container).scrollTop = 1000;
    });
    await settle();
    rerender(<List list={messages(1, 101)} hasOlder={false} />);
    await settle();
    expect(scroller(container).scrollTop).toBe(1000);
  });

  it('OKOpensAtTarget', async () => {
    const onLoadNewer = vi.fn();
    const { container } = render(
      <List list={messages(1001, 1100)} hasOlder hasNewer targetSeq={1026} onLoadNewer={onLoadNewer} />,
    );
    await settle();
    // The target is on screen, near the middle, and marked; the newest row is not.
    const top = screenTop(container, 1026);
    expect(top).toBeGreaterThan(100);
    expect(top).toBeLessThan(500);
    expect(rendered(container)).not.toContain(1100);
    const marked = container.querySelectorAll('.message-slot.target article[data-seq]');
    expect([...marked].map((el) => (el as HTMLElement).dataset.seq)).toEqual(['1026']);
    expect(onLoadNewer).not.toHaveBeenCalled();
  });

  it('OKLoadsNewerAtTheEndOfAWindowShortOfThePresent', async () => {
    const onLoadNewer = vi.fn();
    const { container } = render(
      <List list={messages(1001, 1100)} hasOlder={false} hasNewer targetSeq={1026} onLoadNewer={onLoadNewer} />,
    );
    await settle();
    expect(onLoadNewer).not.toHaveBeenCalled();
    // Read on down to the last rows held: the list asks for the next page.
    for (const top of [2000, 3500, 5000]) {
      act(() => {
        scroller(container).scrollTop = top;
      });
      await settle();
    }
    expect(onLoadNewer).toHaveBeenCalled();
  });
});
