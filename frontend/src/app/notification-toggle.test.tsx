import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { notifyState } from '../lib/notifications';
import { NotificationToggle } from './notification-toggle';

// jsdom has no Notification: this stands in for the browser's permission
// store, answering the prompt with `answer`.
function fakeNotification(permission: NotificationPermission, answer: NotificationPermission) {
  const requestPermission = vi.fn(() => {
    stub.permission = answer;
    return Promise.resolve(answer);
  });
  const stub = { permission, requestPermission };
  vi.stubGlobal('Notification', stub);
  return requestPermission;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('NotificationToggle', () => {
  it('OKAsksOnlyOnClick', async () => {
    const ask = fakeNotification('default', 'granted');
    render(<NotificationToggle userId={7} />);
    expect(ask).not.toHaveBeenCalled();
    expect(notifyState(7)).toBe('off');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Enable notifications' }));
    expect(ask).toHaveBeenCalledTimes(1);
    await screen.findByRole('button', { name: 'Turn off notifications' });
    expect(notifyState(7)).toBe('on');
    // Another user of this browser has not asked for them.
    expect(notifyState(8)).toBe('off');
  });

  it('OKGrantedStillNeedsTheClick', async () => {
    const ask = fakeNotification('granted', 'granted');
    render(<NotificationToggle userId={7} />);
    expect(notifyState(7)).toBe('off');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Enable notifications' }));
    await user.click(await screen.findByRole('button', { name: 'Turn off notifications' }));
    expect(ask).toHaveBeenCalledTimes(1);
    expect(notifyState(7)).toBe('off');
    screen.getByRole('button', { name: 'Enable notifications' });
  });

  it('ErrRefused', async () => {
    fakeNotification('default', 'denied');
    render(<NotificationToggle userId={7} />);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Enable notifications' }));
    await screen.findByText(/blocked in this browser/);
    expect(notifyState(7)).toBe('denied');
  });

  it('OKUnsupported', () => {
    vi.stubGlobal('Notification', undefined);
    const { container } = render(<NotificationToggle userId={7} />);
    expect(container).toBeEmptyDOMElement();
  });
});
