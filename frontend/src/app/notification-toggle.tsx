import { useState, useSyncExternalStore } from 'react';
import { Button } from '../components/ui/button';
import { disableNotifications, enableNotifications, notifyState, onNotifyChange } from '../lib/notifications';

/**
 * The only place that asks for the notification permission: a click. What
 * it shows follows the browser's answer.
 */
export function NotificationToggle(props: { userId: number }) {
  const { userId } = props;
  const state = useSyncExternalStore(onNotifyChange, () => notifyState(userId));
  const [asking, setAsking] = useState(false);
  switch (state) {
    case 'unsupported':
      return null;
    case 'denied':
      return <p className="muted small">Notifications are blocked in this browser’s settings.</p>;
    case 'on':
      return (
        <Button variant="ghost" onClick={() => disableNotifications(userId)}>
          Turn off notifications
        </Button>
      );
    default:
      return (
        <Button
          variant="ghost"
          disabled={asking}
          onClick={() => {
            setAsking(true);
            void enableNotifications(userId).finally(() => setAsking(false));
          }}
        >
          Enable notifications
        </Button>
      );
  }
}
