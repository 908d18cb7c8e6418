import { BackLink } from '../../../components/ui/back-link';
import { Button } from '../../../components/ui/button';
import { Spinner } from '../../../components/ui/spinner';
import { errorText } from '../../../lib/error-text';
import { navigate } from '../../../lib/router';
import { useJoinRoom, useMyRooms, usePublicRooms } from '../api/rooms';

/** The public directory with a join button per room. */
export default function BrowseRooms() {
  const directory = usePublicRooms();
  const mine = useMyRooms();
  const join = useJoinRoom();
  const joined = new Set(mine.data?.map((r) => r.id));
  return (
    <main className="main browse">
      <header className="room-head">
        <BackLink href="/" label="Back to rooms" />
        <h1>Public rooms</h1>
      </header>
      <div className="browse-body">
        {directory.isPending ? <Spinner /> : null}
        {directory.isError ? <p className="form-error">{errorText(directory.error)}</p> : null}
        {join.isError ? <p className="form-error">{errorText(join.error)}</p> : null}
        <ul className="directory">
          {directory.data?.map((room) => (
            <li key={room.id}>
              <div>
                <strong># {room.name}</strong>
                {room.topic ? <p className="muted">{room.topic}</p> : null}
              </div>
              {joined.has(room.id) ? (
                <Button variant="ghost" onClick={() => navigate(`/rooms/${room.id}`)}>
                  Open
                </Button>
              ) : (
                <Button
                  disabled={join.isPending}
                  onClick={() => join.mutate(room.id, { onSuccess: (r) => navigate(`/rooms/${r.id}`) })}
                >
                  Join
                </Button>
              )}
            </li>
          ))}
          {directory.data?.length === 0 ? <li className="muted">No public rooms yet.</li> : null}
        </ul>
      </div>
    </main>
  );
}
