import { lazy, Suspense, useState, type ReactNode } from 'react';
import { Button } from '../../../components/ui/button';
import { Spinner } from '../../../components/ui/spinner';
import { errorText } from '../../../lib/error-text';
import { Link, useRoute } from '../../../lib/router';
import type { Room, User } from '../../../lib/schemas';
import { roomLabel } from '../api/room-name';
import { useMyRooms } from '../api/rooms';
import { DirectPresence } from './direct-presence';
import { RoomBadges } from './room-badges';

const CreateRoomDialog = lazy(() => import('./create-room-dialog'));
const DirectDialog = lazy(() => import('./direct-dialog'));

/** The left column: the user's rooms and direct messages, and actions. */
export function Sidebar(props: { me: User; onLogout: () => void; actions?: ReactNode }) {
  const { me, onLogout } = props;
  const rooms = useMyRooms();
  const route = useRoute();
  const activeId = route.name === 'room' ? route.roomId : undefined;
  const [dialog, setDialog] = useState<'create' | 'direct' | null>(null);
  const channels = rooms.data?.filter((r) => r.kind !== 'direct') ?? [];
  const directs = rooms.data?.filter((r) => r.kind === 'direct') ?? [];

  return (
    <nav className="sidebar" aria-label="Rooms">
      <header className="sidebar-head">
        <span className="brand">Parley</span>
        <Button variant="ghost" onClick={onLogout}>
          Sign out
        </Button>
        <span className="me" title={`@${me.username}`}>
          {me.display_name || me.username}
        </span>
      </header>
      <div className="sidebar-actions">
        <Link className={route.name === 'browse' ? 'nav-link active' : 'nav-link'} href="/browse">
          Browse public rooms
        </Link>
        <Button variant="ghost" onClick={() => setDialog('create')}>
          + New room
        </Button>
        <Button variant="ghost" onClick={() => setDialog('direct')}>
          + Direct message
        </Button>
        {props.actions}
      </div>
      {rooms.isPending ? <Spinner /> : null}
      {rooms.isError ? <p className="form-error">{errorText(rooms.error)}</p> : null}
      <RoomSection title="Rooms" rooms={channels} activeId={activeId} me={me} />
      <RoomSection title="Direct messages" rooms={directs} activeId={activeId} me={me} direct />
      <Suspense fallback={null}>
        {dialog === 'create' ? <CreateRoomDialog onClose={() => setDialog(null)} /> : null}
        {dialog === 'direct' ? <DirectDialog me={me} onClose={() => setDialog(null)} /> : null}
      </Suspense>
    </nav>
  );
}

function RoomSection(props: {
  title: string;
  rooms: Room[];
  activeId: number | undefined;
  me: User;
  direct?: boolean;
}) {
  const { title, rooms, activeId, me, direct } = props;
  return (
    <section className="room-section">
      <h2>{title}</h2>
      {rooms.length === 0 ? <p className="muted">None yet.</p> : null}
      <ul>
        {rooms.map((room) => {
          const unread = room.id === activeId ? 0 : (room.unread ?? 0);
          const mentions = room.id === activeId ? 0 : (room.mentions ?? 0);
          return (
            <li key={room.id}>
              <Link
                href={`/rooms/${room.id}`}
                className={room.id === activeId ? 'room-link active' : 'room-link'}
                aria-current={room.id === activeId ? 'page' : undefined}
                data-room-id={room.id}
              >
                {direct ? <DirectPresence roomId={room.id} me={me} /> : <span className="hash">#</span>}
                <span className="room-name">{roomLabel(room, me)}</span>
                {room.kind === 'private' ? <span className="muted small">private</span> : null}
                <RoomBadges unread={unread} mentions={mentions} />
              </Link>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
