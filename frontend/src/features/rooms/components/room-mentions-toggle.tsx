import { errorText } from '../../../lib/error-text';
import type { Room } from '../../../lib/schemas';
import { useSetRoomMentions } from '../api/room-settings';

/** The owner's switch for @room, which mentions every member. */
export function RoomMentionsToggle(props: { room: Room }) {
  const { room } = props;
  const set = useSetRoomMentions(room.id);
  const allowed = (set.isPending ? set.variables : undefined) ?? room.room_mentions !== false;
  return (
    <label className="room-setting small">
      <input
        type="checkbox"
        checked={allowed}
        disabled={set.isPending}
        onChange={(e) => set.mutate(e.target.checked)}
      />{' '}
      @room notifies everyone
      {set.isError ? <span className="form-error"> {errorText(set.error)}</span> : null}
    </label>
  );
}
