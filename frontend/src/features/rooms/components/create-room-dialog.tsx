import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/text-field';
import { errorText, fieldError } from '../../../lib/error-text';
import { navigate } from '../../../lib/router';
import { useCreateRoom } from '../api/rooms';

/** The form that creates a public or private room. */
export default function CreateRoomDialog(props: { onClose: () => void }) {
  const create = useCreateRoom();
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [kind, setKind] = useState<'public' | 'private'>('public');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { name: name.trim(), topic: topic.trim() || undefined, kind },
      {
        onSuccess: (room) => {
          props.onClose();
          navigate(`/rooms/${room.id}`);
        },
      },
    );
  };
  const err = create.error;
  return (
    <Dialog title="New room" onClose={props.onClose}>
      <form onSubmit={submit} className="stack">
        <TextField
          label="Name"
          name="name"
          required
          maxLength={64}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldError(err, 'name')}
        />
        <TextField
          label="Topic (optional)"
          name="topic"
          maxLength={250}
          value={topic}
          onChange={(e) => setTopic(e.target.value)}
          error={fieldError(err, 'topic')}
        />
        <fieldset className="kind">
          <legend>Who can join</legend>
          <label>
            <input type="radio" name="kind" checked={kind === 'public'} onChange={() => setKind('public')} />
            Public: anyone can find and join it
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'private'} onChange={() => setKind('private')} />
            Private: only people you add
          </label>
        </fieldset>
        {err && !fieldError(err, 'name') && !fieldError(err, 'topic') ? (
          <p className="form-error" role="alert">
            {errorText(err)}
          </p>
        ) : null}
        <Button type="submit" disabled={create.isPending || name.trim() === ''}>
          Create
        </Button>
      </form>
    </Dialog>
  );
}
