import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Member } from '../../../lib/schemas';
import { Composer } from './composer';

const members: Member[] = [
  { id: 2, username: 'bob', display_name: 'Bob Stone' },
  { id: 3, username: 'bella', display_name: 'Bella' },
  { id: 4, username: 'carol', display_name: 'Carol Brown' },
];

function setup(roomMentions = true) {
  const onSend = vi.fn();
  render(
    <Composer roomName="#general" onSend={onSend} onTyping={vi.fn()} mentionCandidates={members} roomMentions={roomMentions} />,
  );
  const box = screen.getByRole('textbox', { name: 'Message #general' });
  return { onSend, box, user: userEvent.setup() };
}

function options(): string[] {
  return screen.queryAllByRole('option').map((o) => o.textContent ?? '');
}

describe('Composer mention completion', () => {
  it('OK', async () => {
    const { onSend, box, user } = setup();
    await user.type(box, 'hi @b');
    expect(screen.getByRole('listbox', { name: 'People to mention' })).toBeInTheDocument();
    // Usernames first, then display names: Carol Brown matches "b" too.
    expect(options()).toEqual(['@bob Bob Stone', '@bella Bella', '@carol Carol Brown']);
    expect(box).toHaveAttribute('aria-activedescendant', screen.getAllByRole('option')[0]?.id);
    await user.keyboard('{ArrowDown}{Enter}');
    expect(box).toHaveValue('hi @bella ');
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.queryByRole('listbox')).toBeNull();
    await user.type(box, 'ok');
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledWith('hi @bella ok');
  });

  it('OKTabAndWrap', async () => {
    const { box, user } = setup();
    await user.type(box, '@b');
    await user.keyboard('{ArrowUp}{Tab}');
    expect(box).toHaveValue('@carol ');
  });

  it('OKRoom', async () => {
    const { box, user } = setup();
    await user.type(box, '@r');
    expect(options()).toEqual(['@room everyone in this room']);
    await user.keyboard('{Enter}');
    expect(box).toHaveValue('@room ');
  });

  it('OKRoomNotOffered', async () => {
    const { box, user } = setup(false);
    await user.type(box, '@r');
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('OKClick', async () => {
    const { box, user } = setup();
    await user.type(box, 'ask @ca about it');
    await user.click(box);
    // The caret is at the end: nothing to complete there.
    expect(screen.queryByRole('listbox')).toBeNull();
    await user.clear(box);
    await user.type(box, 'ask @ca');
    await user.click(screen.getByRole('option', { name: /@carol/ }));
    expect(box).toHaveValue('ask @carol ');
  });

  it('OKEscapeHides', async () => {
    const { onSend, box, user } = setup();
    await user.type(box, '@bo');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).toBeNull();
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledWith('@bo');
  });

  it('ErrNoMatch', async () => {
    const { box, user } = setup();
    await user.type(box, 'mail x@b @zz');
    expect(screen.queryByRole('listbox')).toBeNull();
  });
});
