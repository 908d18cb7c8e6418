import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from './composer';

function setup() {
  const onSend = vi.fn();
  const onTyping = vi.fn();
  render(<Composer roomName="#general" onSend={onSend} onTyping={onTyping} />);
  const box = screen.getByRole('textbox', { name: 'Message #general' });
  return { onSend, onTyping, box, user: userEvent.setup() };
}

describe('Composer', () => {
  it('OK', async () => {
    const { onSend, box, user } = setup();
    await user.type(box, '  hello <b>world</b> ');
    await user.keyboard('{Enter}');
    // Sent exactly as written, then cleared.
    expect(onSend).toHaveBeenCalledTimes(1);
    expect(onSend).toHaveBeenCalledWith('  hello <b>world</b> ');
    expect(box).toHaveValue('');
  });

  it('OKShiftEnterIsNewLine', async () => {
    const { onSend, box, user } = setup();
    await user.type(box, 'line one');
    await user.keyboard('{Shift>}{Enter}{/Shift}');
    await user.type(box, 'line two');
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue('line one\nline two');
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledWith('line one\nline two');
  });

  it('OKSendButton', async () => {
    const { onSend, box, user } = setup();
    await user.type(box, 'by click');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenCalledWith('by click');
  });

  it('OKTypingIsThrottled', async () => {
    const { onTyping, box, user } = setup();
    await user.type(box, 'several keystrokes');
    expect(onTyping).toHaveBeenCalledTimes(1);
  });

  it('ErrBlank', async () => {
    const { onSend, box, user } = setup();
    await user.type(box, '   ');
    await user.keyboard('{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
  });

  it('ErrTooLong', async () => {
    const { onSend, box, user } = setup();
    await user.click(box);
    await user.paste('x'.repeat(4001));
    await user.keyboard('{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByText('4001/4000')).toBeInTheDocument();
  });
});
