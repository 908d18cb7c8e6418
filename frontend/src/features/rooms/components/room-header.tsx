import { lazy, Suspense, useState } from 'react';
import { BackLink } from '../../../components/ui/back-link';
import { Button } from '../../../components/ui/button';
import { navigate } from '../../../lib/router';
import type { User } from '../../../lib/schemas';
import { useMembers } from '../api/members';
import { roomLabel } from '../api/room-name';
import { useLeaveRoom, useRoom } from '../api/rooms';
import { PresenceDot } from './presence-dot';
import { RoomMentionsToggle } from './room-mentions-toggle';

const InviteDialog = lazy(() => import('./invite-dialog'));

/** The bar above a room: its name, topic, who is here, invite and leave. */
export function RoomHeader(props: { roomId: number; me: User }) {
  const { roomId, me } = props;
  const room = useRoom(roomId);
  const members = useMembers(roomId);
  const leave = useLeaveRoom();
  const [inviting, setInviting] = useState(false);
  const online = members.data?.filter((m) => m.online).length ?? 0;
  const kind = room.data?.kind;
  const title = room.data ? (kind === 'direct' ? roomLabel(room.data, me) : `# ${room.data.name}`) : '…';
  return (
    <header className="room-head">
      <BackLink href="/" label="Back to rooms" />
      <div className="room-title">
        <h1>{title}</h1>
        {room.data?.topic ? <p className="muted topic">{room.data.topic}</p> : null}
      </div>
      <details className="members">
        <summary>
          {members.data
            ? `${members.data.length} member${members.data.length === 1 ? '' : 's'}, ${online} online`
            : 'Members'}
        </summary>
        <ul>
          {members.data?.map((m) => (
            <li key={m.id}>
              <PresenceDot online={m.online} /> {m.display_name || m.username}
              {m.id === me.id ? <span className="muted"> (you)</span> : null}
            </li>
          ))}
        </ul>
      </details>
      {room.data && kind !== 'direct' && room.data.owner_id === me.id ? <RoomMentionsToggle room={room.data} /> : null}
      {kind === 'private' ? (
        <Button variant="ghost" onClick={() => setInviting(true)}>
          Invite
        </Button>
      ) : null}
      {kind && kind !== 'direct' ? (
        <Button
          variant="ghost"
          disabled={leave.isPending}
          onClick={() => leave.mutate(roomId, { onSuccess: () => navigate('/') })}
        >
          Leave
        </Button>
      ) : null}
      <Suspense fallback={null}>
        {inviting ? <InviteDialog roomId={roomId} onClose={() => setInviting(false)} /> : null}
      </Suspense>
    </header>
  );
}
