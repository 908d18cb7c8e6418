import { useEffect, useMemo, useRef } from 'react';
import { StorageOutbox } from '../lib/outbox';
import type { User } from '../lib/schemas';
import { SocketClient } from '../lib/socket-client';
import { LiveProvider } from '../lib/socket-context';
import { Shell } from './shell';

function socketUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/ws`;
}

/**
 * Everything that lives as long as one user's session: their outbox and
 * their socket, which stops when they sign out or another user signs in.
 */
export default function SignedIn(props: { me: User; onLogout: () => void }) {
  const { me } = props;
  // The socket outlives renders; it must call the latest sign-out.
  const onLogout = useRef(props.onLogout);
  onLogout.current = props.onLogout;
  const live = useMemo(() => {
    const outbox = new StorageOutbox(me.id);
    // A session ended elsewhere (sign-out in another tab, expiry) signs
    // this tab out too, forgetting what the session left in the browser.
    const onSessionEnded = () => onLogout.current();
    return { outbox, socket: new SocketClient({ url: socketUrl(), outbox, onSessionEnded }) };
  }, [me.id]);

  useEffect(() => {
    const { socket } = live;
    socket.start();
    const online = () => socket.goOnline();
    const offline = () => socket.goOffline();
    const visible = () => {
      if (document.visibilityState === 'visible' && navigator.onLine) socket.goOnline();
    };
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    document.addEventListener('visibilitychange', visible);
    if (!navigator.onLine) socket.goOffline();
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      document.removeEventListener('visibilitychange', visible);
      socket.stop();
    };
  }, [live]);

  return (
    <LiveProvider socket={live.socket} outbox={live.outbox}>
      <Shell me={me} onLogout={props.onLogout} />
    </LiveProvider>
  );
}
