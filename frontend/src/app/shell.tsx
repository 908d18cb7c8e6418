import { useQueryClient } from '@tanstack/react-query';
import { Suspense, useCallback } from 'react';
import { Spinner } from '../components/ui/spinner';
import { RoomHeader } from '../features/rooms/components/room-header';
import { Sidebar } from '../features/rooms/components/sidebar';
import { roomLabel } from '../features/rooms/api/room-name';
import { markRoomRead, useRoom } from '../features/rooms/api/rooms';
import { Link, navigate, useRoute } from '../lib/router';
import type { User } from '../lib/schemas';
import { ConnectionBanner } from './connection-banner';
import { useRealtimeSync } from './realtime';
import { BrowseRooms, RoomView } from './routes';
import { useVisibleHeight } from './visible-height';

/** The signed-in layout: banner, sidebar, and the routed main pane. */
export function Shell(props: { me: User; onLogout: () => void }) {
  const { me } = props;
  const route = useRoute();
  const activeRoomId = route.name === 'room' ? route.roomId : undefined;
  useRealtimeSync(me, activeRoomId);
  useVisibleHeight();
  // On narrow screens the list and the routed pane are separate screens
  // (styles.css): the list at "/", the pane everywhere else.
  const screen = route.name === 'home' ? 'list' : 'pane';
  return (
    <div className="app">
      <ConnectionBanner />
      <div className="layout" data-screen={screen}>
        <Sidebar me={me} onLogout={props.onLogout} />
        <Suspense fallback={<Spinner />}>
          {route.name === 'room' ? (
            <RoomPane key={route.roomId} roomId={route.roomId} thread={route.thread} me={me} />
          ) : route.name === 'browse' ? (
            <BrowseRooms />
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

function RoomPane(props: { roomId: number; thread: number | undefined; me: User }) {
  const qc = useQueryClient();
  const room = useRoom(props.roomId);
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
    />
  );
}
