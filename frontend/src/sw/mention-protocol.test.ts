import { describe, expect, it } from 'vitest';
import { grownMentions, openRoomMessage, parseWatchMentions, roomURL } from './mention-protocol';

describe('grownMentions', () => {
  it('OK', () => {
    const before = [
      { id: 1, name: '#a', mentions: 0 },
      { id: 2, name: '#b', mentions: 2 },
    ];
    const now = [
      { id: 1, name: '#a', mentions: 1 },
      { id: 2, name: '#b', mentions: 1 },
      { id: 3, name: '#c', mentions: 2 },
    ];
    expect(grownMentions(before, now)).toEqual([
      { room: now[0], added: 1 },
      { room: now[2], added: 2 },
    ]);
  });
});

describe('messages', () => {
  it('OKWatch', () => {
    expect(parseWatchMentions({ type: 'parley-watch-mentions', rooms: [{ id: 4, name: '#x', mentions: 1 }, { id: 'bad' }] })).toEqual({
      type: 'parley-watch-mentions',
      rooms: [{ id: 4, name: '#x', mentions: 1 }],
    });
    expect(parseWatchMentions({ type: 'other' })).toBeUndefined();
  });
  it('OKOpenRoom', () => {
    expect(openRoomMessage({ type: 'parley-open-room', url: '/rooms/12' })).toBe('/rooms/12');
  });
  it('ErrOnlyRoomPaths', () => {
    expect(openRoomMessage({ type: 'parley-open-room', url: 'https://evil.example/rooms/1' })).toBeUndefined();
    expect(roomURL('/rooms/1/../../admin')).toBeUndefined();
    expect(roomURL(5)).toBeUndefined();
  });
});
