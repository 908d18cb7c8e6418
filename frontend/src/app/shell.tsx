import { useQueryClient } from '@tanstack/react-query';
import { Suspense, useCallback, useMemo } from 'react';
import { Spinner } from '../components/ui/spinner';
import { RoomHeader } from '../features/rooms/components/room-header';
import { Sidebar } from '../features/rooms/components/sidebar';
import { useMembers } from '../features/rooms/api/members';
import { roomLabel } from '../features/rooms/api/room-name';
import { markRoomRead, useMyRooms, useRoom } from '../features/rooms/api/rooms';
import { SearchBox } from '../features/search/components/search-box';
import { Link, navigate, useQueryParam, useRoute } from '../lib/router';
import type { User } from '../lib/schemas';
import { ConnectionBanner } from './connection-banner';
import { useMentionNotices } from './mention-notices';
import { NotificationToggle } from './notification-toggle';
import { useRealtimeSync } from './realtime';
import { BrowseRooms, RoomView, SearchPage } from './routes';
import { useVisibleHeight } from './visible-height';

/** The signed-in layout: banner, sidebar, and the routed main pane. */
export function Shell(props: { me: User; onLogout: () => void }) {
  const { me } = props;
  const route = useRoute();
  const activeRoomId = route.name === 'room' ? route.roomId : undefined;
  useRealtimeSync(me, activeRoomId);
  useVisibleHeight();
  useMentionNotices(me);
  // On narrow screens the list and the routed pane are separate screens
  // (styles.css): the list at "/", the pane everywhere else.
  const screen = route.name === 'home' ? 'list' : 'pane';
  return (
    <div className="app">
      <ConnectionBanner />
      <div className="top-bar">
        <SearchBox />
      </div>
      <div className="layout" data-screen={screen}>
        <Sidebar me={me} onLogout={props.onLogout} actions={<NotificationToggle userId={me.id} />} />
        <Suspense fallback={<Spinner />}>
          {route.name === 'room' ? (
            <RoomPane key={route.roomId} roomId={route.roomId} thread={route.thread} me={me} />
          ) : route.name === 'browse' ? (
            <BrowseRooms />
          ) : route.name === 'search' ? (
            <SearchPane me={me} />
          ) : route.name === 'home' ? (
            <main className="main empty">
              <p className="muted">Pick a room on the left, or <Link href="/browse">browse public rooms</Link>.</p>
            </main>
          ) : (
            <main className="main empty">
              <p>Nothing here. <Link href="/">Back to your rooms</Link></p>
            </main>
          )}
        </Suspense>
      </div>
    </div>
  );
}

/** Search results, named after the caller's rooms. */
function SearchPane(props: { me: User }) {
  const q = useQueryParam('q') ?? '';
  const rooms = useMyRooms();
  const roomName = useCallback(
    (id: number) => {
      const room = rooms.data?.find((r) => r.id === id);
      if (!room) return 'a room';
      return room.kind === 'direct' ? roomLabel(room, props.me) : `#${room.name}`;
    },
    [rooms.data, props.me],
  );
  return <SearchPage q={q.trim()} roomName={roomName} />;
}

/** A positive whole number from the URL, or undefined. */
function seqParam(raw: string | null): number | undefined {
  const n = Number(raw);
  return raw !== null && /^\d{1,15}$/.test(raw) && n > 0 ? n : undefined;
}

function RoomPane(props: { roomId: number; thread: number | undefined; me: User }) {
  const qc = useQueryClient();
  const room = useRoom(props.roomId);
  // ?at=<seq>: open at that message (a search result).
  const at = seqParam(useQueryParam('at'));
  const members = useMembers(props.roomId);
  // Who the composer offers after '@': the other members, and @room where
  // the room allows it.
  const others = members.data;
  const mentionCandidates = useMemo(
    () => others?.filter((m) => m.id !== props.me.id) ?? [],
    [others, props.me.id],
  );
  const roomMentions = room.data?.kind !== 'direct' && room.data?.room_mentions !== false;
  const onRead = useCallback((roomId: number, seq: number) => markRoomRead(qc, roomId, seq), [qc]);
  const { roomId } = props;
  const onThread = useCallback(
    (seq: number | undefined) => navigate(seq === undefined ? `/rooms/${roomId}` : `/rooms/${roomId}/threads/${seq}`),
    [roomId],
  );
  const name = room.data
    ? room.data.kind === 'direct'
      ? roomLabel(room.data, props.me)
      : `#${room.data.name}`
    : 'room';
  return (
    <RoomView
      roomId={props.roomId}
      roomName={name}
      me={props.me}
      header={<RoomHeader roomId={props.roomId} me={props.me} />}
      onRead={onRead}
      thread={props.thread}
      onThread={onThread}
      mentionCandidates={mentionCandidates}
      roomMentions={roomMentions}
      targetSeq={at}
    />
  );
}
