import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { Outbox, OutboxEntry } from './outbox';
import type { ConnectionState, SocketClient } from './socket-client';

interface Live {
  socket: SocketClient;
  outbox: Outbox;
}

const LiveContext = createContext<Live | null>(null);

/** Provides the signed-in user's socket and outbox to the tree. */
export function LiveProvider(props: { socket: SocketClient; outbox: Outbox; children: ReactNode }) {
  return (
    <LiveContext.Provider value={{ socket: props.socket, outbox: props.outbox }}>
      {props.children}
    </LiveContext.Provider>
  );
}

function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside LiveProvider');
  return live;
}

/** The socket client of the signed-in user. */
export function useSocket(): SocketClient {
  return useLive().socket;
}

/** The connection state, re-rendering on change. */
export function useConnectionState(): ConnectionState {
  const { socket } = useLive();
  return useSyncExternalStore(
    (cb) => socket.onState(cb),
    () => socket.getState(),
  );
}

/** Every unsent message of the signed-in user. */
export function useOutbox(): OutboxEntry[] {
  const { outbox } = useLive();
  return useSyncExternalStore(
    (cb) => outbox.subscribe(cb),
    () => outbox.list(),
  );
}

/** The outbox itself, for discarding failed entries. */
export function useOutboxStore(): Outbox {
  return useLive().outbox;
}
