import { Dialog } from '../../../components/ui/dialog';
import { errorText } from '../../../lib/error-text';
import { navigate } from '../../../lib/router';
import type { User } from '../../../lib/schemas';
import { useOpenDirect } from '../api/direct';
import { UserPicker } from './user-picker';

/** Starts a direct message with a user found by name. */
export default function DirectDialog(props: { me: User; onClose: () => void }) {
  const open = useOpenDirect();
  return (
    <Dialog title="Direct message" onClose={props.onClose}>
      <UserPicker
        exclude={[props.me.id]}
        busy={open.isPending}
        onPick={(user) =>
          open.mutate(user.id, {
            onSuccess: (room) => {
              props.onClose();
              navigate(`/rooms/${room.id}`);
            },
          })
        }
      />
      {open.isError ? <p className="form-error">{errorText(open.error)}</p> : null}
    </Dialog>
  );
}
