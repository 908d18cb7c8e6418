import { useEffect, useState } from 'react';
import { useConnectionState, useOutbox } from '../lib/socket-context';

/** Tells the user when live updates are down and what happens to sends. */
export function ConnectionBanner() {
  const state = useConnectionState();
  const waiting = useOutbox().filter((e) => !e.failed).length;
  // A first connection that takes a moment is not worth a banner.
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    if (state !== 'connecting') return;
    const t = setTimeout(() => setSlow(true), 2_000);
    return () => {
      clearTimeout(t);
      setSlow(false);
    };
  }, [state]);
  const pending = waiting > 0 ? ` ${waiting} message${waiting === 1 ? '' : 's'} will be sent then.` : '';
  if (state === 'offline') {
    return (
      <div className="banner banner-offline" role="status">
        You are offline. Showing what was saved on this device.{pending}
      </div>
    );
  }
  if (state === 'reconnecting' || (state === 'connecting' && slow)) {
    return (
      <div className="banner banner-warn" role="status">
        Reconnecting…{pending}
      </div>
    );
  }
  return null;
}
