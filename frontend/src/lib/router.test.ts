import { afterEach, describe, expect, it } from 'vitest';
import { goBack, navigate } from './router';

function popped(): Promise<void> {
  return new Promise((resolve) => window.addEventListener('popstate', () => resolve(), { once: true }));
}

describe('goBack', () => {
  afterEach(() => {
    window.history.replaceState(null, '', '/');
  });

  it('OKBackThroughHistory', async () => {
    window.history.replaceState(null, '', '/');
    navigate('/rooms/7');
    const depth = window.history.length;
    const back = popped();
    goBack('/');
    await back;
    expect(window.location.pathname).toBe('/');
    // Nothing was pushed: the room is still the entry forward of the list.
    expect(window.history.length).toBe(depth);
  });

  it('OKOpenedFromElsewhere', () => {
    // A room opened directly (a link, a reload) has no list behind it.
    window.history.replaceState(null, '', '/rooms/7');
    goBack('/');
    // A new entry, opened from the room, rather than leaving the app.
    expect(window.location.pathname).toBe('/');
    expect(window.history.state).toEqual({ from: '/rooms/7' });
  });
});
