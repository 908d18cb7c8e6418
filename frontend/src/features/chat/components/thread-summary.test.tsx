import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Message } from '../../../lib/schemas';
import { MessageRow, type RowActions } from './message-row';

const ana = { id: 1, username: 'ana', display_name: 'Ana' };
function message(extra: Partial<Message> = {}): Message {
  return { id: 5, room_id: 1, seq: 5, user: ana, body: 'a question', created_at: '2026-01-01T10:00:00Z', ...extra };
}
function actions(onOpenThread?: (seq: number) => void): RowActions {
  return {
    onStartEdit: () => undefined,
    onCancelEdit: () => undefined,
    onSaveEdit: () => undefined,
    onDelete: () => undefined,
    ...(onOpenThread ? { onOpenThread } : {}),
  };
}

describe('a thread under its first message', () => {
  it('OKCountOpensThread', async () => {
    const open = vi.fn();
    render(
      <MessageRow
        message={message({ reply_count: 3, last_reply_at: '2026-01-01T10:05:00Z' })}
        mine={false}
        editing={false}
        actions={actions(open)}
      />,
    );
    await userEvent.click(screen.getByRole('button', { name: /3 replies/ }));
    expect(open).toHaveBeenCalledWith(5);
    expect(screen.getByText(/last reply/)).toBeInTheDocument();
  });

  it('OKOneReply', () => {
    render(<MessageRow message={message({ reply_count: 1 })} mine={false} editing={false} actions={actions(() => undefined)} />);
    expect(screen.getByRole('button', { name: '1 reply' })).toBeInTheDocument();
  });

  it('OKReplyStartsThread', async () => {
    const open = vi.fn();
    render(<MessageRow message={message()} mine={false} editing={false} actions={actions(open)} />);
    expect(screen.queryByRole('button', { name: /repl(y|ies) ·/ })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Reply' }));
    expect(open).toHaveBeenCalledWith(5);
  });

  it('OKNothingInsideAThread', () => {
    // Rows of a thread, and replies anywhere, neither count nor start one.
    render(<MessageRow message={message({ reply_count: 2 })} mine={false} editing={false} actions={actions()} />);
    render(<MessageRow message={message({ seq: 6, reply_to: 5, reply_number: 1 })} mine={false} editing={false} actions={actions(() => undefined)} />);
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('OKNoReplyToDeleted', () => {
    render(<MessageRow message={message({ deleted: true, body: '' })} mine={false} editing={false} actions={actions(() => undefined)} />);
    expect(screen.queryByRole('button', { name: 'Reply' })).toBeNull();
  });
});
