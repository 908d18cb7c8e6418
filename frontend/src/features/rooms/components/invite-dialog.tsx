import { Dialog } from '../../../components/ui/dialog';
import { errorText } from '../../../lib/error-text';
import { useAddMember, useMembers } from '../api/members';
import { UserPicker } from './user-picker';

/** Adds people to a private room (the owner's action). */
export default function InviteDialog(props: { roomId: number; onClose: () => void }) {
  const members = useMembers(props.roomId);
  const add = useAddMember(props.roomId);
  return (
    <Dialog title="Invite to room" onClose={props.onClose}>
      <UserPicker
        exclude={members.data?.map((m) => m.id) ?? []}
        busy={add.isPending}
        onPick={(user) => add.mutate(user.id)}
      />
      {add.isSuccess ? <p className="muted" role="status">Added.</p> : null}
      {add.isError ? <p className="form-error">{errorText(add.error)}</p> : null}
    </Dialog>
  );
}
