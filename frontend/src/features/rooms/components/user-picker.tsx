import { useState } from 'react';
import { TextField } from '../../../components/ui/text-field';
import type { User } from '../../../lib/schemas';
import { useUserSearch } from '../api/users';

/** A search box listing matching users to pick one. */
export function UserPicker(props: { exclude: number[]; onPick: (user: User) => void; busy: boolean }) {
  const [q, setQ] = useState('');
  const users = useUserSearch(q);
  const found = users.data?.filter((u) => !props.exclude.includes(u.id)) ?? [];
  return (
    <div className="stack">
      <TextField
        label="Find people"
        name="q"
        autoComplete="off"
        placeholder="Start of a username"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <ul className="user-list">
        {found.map((u) => (
          <li key={u.id}>
            <button type="button" className="user-pick" disabled={props.busy} onClick={() => props.onPick(u)}>
              <strong>{u.display_name || u.username}</strong> <span className="muted">@{u.username}</span>
            </button>
          </li>
        ))}
        {q.trim() !== '' && users.isSuccess && found.length === 0 ? <li className="muted">No one found.</li> : null}
      </ul>
    </div>
  );
}
