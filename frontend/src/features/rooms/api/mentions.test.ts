import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { Room } from '../../../lib/schemas';
import { noteRoomMention } from './mentions';
import { markRoomRead, noteRoomMessage, roomKeys } from './rooms';

function client(rooms: Room[]): QueryClient {
  const qc = new QueryClient();
  qc.setQueryData(roomKeys.mine(), rooms);
  return qc;
}

const room = (id: number, lastSeq: number, unread: number, mentions: number): Room => ({
  id,
  name: `r${id}`,
  kind: 'public',
  last_seq: lastSeq,
  unread,
  mentions,
});

describe('mention counts', () => {
  it('OK', () => {
    const qc = client([room(1, 10, 0, 0), room(2, 5, 0, 0)]);
    noteRoomMessage(qc, 1, 11, true);
    noteRoomMention(qc, 1, true);
    noteRoomMessage(qc, 1, 12, true);
    noteRoomMention(qc, 1, true);
    noteRoomMention(qc, 2, false);
    let rooms = qc.getQueryData<Room[]>(roomKeys.mine());
    expect(rooms?.map((r) => [r.unread, r.mentions])).toEqual([
      [2, 2],
      [0, 0],
    ]);
    // Reading part of the room leaves the mentions to the server's count.
    markRoomRead(qc, 1, 11);
    rooms = qc.getQueryData<Room[]>(roomKeys.mine());
    expect([rooms?.[0]?.unread, rooms?.[0]?.mentions]).toEqual([1, 2]);
    markRoomRead(qc, 1, 12);
    rooms = qc.getQueryData<Room[]>(roomKeys.mine());
    expect([rooms?.[0]?.unread, rooms?.[0]?.mentions]).toEqual([0, 0]);
  });
});
