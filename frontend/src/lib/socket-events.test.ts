import { describe, expect, it } from 'vitest';
import { parseServerEvent } from './socket-events';

describe('parseServerEvent', () => {
  it('OKPresenceBatch', () => {
    const e = parseServerEvent(
      '{"type":"presence_batch","room_id":4,"online_users":[2,3],"offline_users":[9]}',
    );
    expect(e).toEqual({ type: 'presence_batch', room_id: 4, online_users: [2, 3], offline_users: [9] });
  });
  it('OKPresence', () => {
    expect(parseServerEvent('{"type":"presence","user_id":8,"online":true}')).toEqual({
      type: 'presence',
      user_id: 8,
      online: true,
    });
  });
  it('OKMembersChanged', () => {
    const ada = { id: 7, username: 'ada', display_name: 'Ada' };
    const e = parseServerEvent(JSON.stringify({ type: 'members_changed', room_id: 4, joined: [ada], left: [] }));
    expect(e).toEqual({ type: 'members_changed', room_id: 4, joined: [ada], left: [] });
  });
  it('ErrMalformedBatch', () => {
    expect(parseServerEvent('{"type":"presence_batch","room_id":4,"online_users":"2"}')).toBeUndefined();
  });
  it('ErrUnknownType', () => {
    expect(parseServerEvent('{"type":"something_new"}')).toBeUndefined();
  });
});
