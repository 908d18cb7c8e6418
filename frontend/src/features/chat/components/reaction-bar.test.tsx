import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Reaction } from '../../../lib/schemas';
import { ReactionChips } from './reaction-bar';

function setup(reactions: Reaction[]) {
  const onToggle = vi.fn();
  render(<ReactionChips reactions={reactions} actions={0} onToggle={onToggle} />);
  return { onToggle, user: userEvent.setup() };
}

describe('ReactionChips', () => {
  it('OK', async () => {
    const { onToggle, user } = setup([
      { emoji: '👍', count: 3, me: true },
      { emoji: '🎉', count: 1, me: false },
    ]);
    const mine = screen.getByRole('button', { name: '👍 3' });
    expect(mine).toHaveAttribute('aria-pressed', 'true');
    expect(mine).toHaveClass('me');
    const theirs = screen.getByRole('button', { name: '🎉 1' });
    expect(theirs).toHaveAttribute('aria-pressed', 'false');
    await user.click(mine);
    expect(onToggle).toHaveBeenLastCalledWith('👍', false);
    await user.click(theirs);
    expect(onToggle).toHaveBeenLastCalledWith('🎉', true);
  });

  it('OKPicker', async () => {
    const { onToggle, user } = setup([]);
    expect(screen.queryByRole('group', { name: 'Reactions' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Add reaction' }));
    expect(screen.getByRole('button', { name: 'React with 👍' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'React with 🎉' }));
    expect(onToggle).toHaveBeenCalledWith('🎉', true);
    expect(screen.queryByRole('group', { name: 'Pick a reaction' })).toBeNull();
  });

  it('OKPickerSkipsOwnAndClosesOnEscape', async () => {
    const { onToggle, user } = setup([{ emoji: '👍', count: 1, me: true }]);
    await user.click(screen.getByRole('button', { name: 'Add reaction' }));
    await user.click(screen.getByRole('button', { name: 'React with 👍' }));
    expect(onToggle).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Add reaction' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('group', { name: 'Pick a reaction' })).toBeNull();
  });

  it('OKShownOnlyWithoutToggle', () => {
    render(<ReactionChips reactions={[{ emoji: '👍', count: 2, me: false }]} actions={0} onToggle={undefined} />);
    expect(screen.getByRole('button', { name: '👍 2' })).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Add reaction' })).toBeNull();
  });
});
