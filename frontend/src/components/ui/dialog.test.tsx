import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { Dialog } from './dialog';

function Opener(props: { onClose?: () => void }) {
  const [open, setOpen] = useState(false);
  const close = () => {
    props.onClose?.();
    setOpen(false);
  };
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open
      </button>
      {open ? (
        <Dialog title="New room" onClose={close}>
          <input aria-label="Name" />
        </Dialog>
      ) : null}
    </>
  );
}

describe('Dialog', () => {
  it('OKOpensModal', () => {
    render(
      <Dialog title="New room" onClose={() => {}}>
        <input aria-label="Name" />
      </Dialog>,
    );
    const dialog = screen.getByRole<HTMLDialogElement>('dialog', { name: 'New room' });
    expect(dialog.tagName).toBe('DIALOG');
    expect(dialog.open).toBe(true);
    expect(screen.getByRole('heading', { name: 'New room' })).toBeInTheDocument();
  });

  it('OKEscapeAsksTheCaller', () => {
    const onClose = vi.fn();
    render(
      <Dialog title="New room" onClose={onClose}>
        <input aria-label="Name" />
      </Dialog>,
    );
    const dialog = screen.getByRole<HTMLDialogElement>('dialog');
    // What a browser sends for Escape on a modal dialog.
    const cancel = new Event('cancel', { cancelable: true });
    fireEvent(dialog, cancel);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(cancel.defaultPrevented).toBe(true);
    expect(dialog.open).toBe(true);
  });

  it('OKCloseButton', async () => {
    const onClose = vi.fn();
    render(
      <Dialog title="New room" onClose={onClose}>
        <input aria-label="Name" />
      </Dialog>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('OKBackdropClosesPanelDoesNot', () => {
    const onClose = vi.fn();
    render(
      <Dialog title="New room" onClose={onClose}>
        <input aria-label="Name" />
      </Dialog>,
    );
    fireEvent.mouseDown(screen.getByLabelText('Name'));
    expect(onClose).not.toHaveBeenCalled();
    fireEvent.mouseDown(screen.getByRole('dialog'));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('OKClosedByTheBrowser', () => {
    const onClose = vi.fn();
    render(
      <Dialog title="New room" onClose={onClose}>
        <input aria-label="Name" />
      </Dialog>,
    );
    screen.getByRole<HTMLDialogElement>('dialog').close();
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('OKFocusReturnsToOpener', async () => {
    const onClose = vi.fn();
    render(<Opener onClose={onClose} />);
    const opener = screen.getByRole('button', { name: 'Open' });
    await userEvent.click(opener);
    const dialog = screen.getByRole<HTMLDialogElement>('dialog');
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(dialog).not.toBeInTheDocument();
    expect(dialog.open).toBe(false);
    expect(opener).toHaveFocus();
  });
});
