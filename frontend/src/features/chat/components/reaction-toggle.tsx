import { createContext, useCallback, useContext, type ReactNode } from 'react';
import { errorText } from '../../../lib/error-text';
import { useToggleReaction } from '../api/reactions';

/** Adds (add) or removes the reader's emoji on the message seq. */
export type ToggleReaction = (seq: number, emoji: string, add: boolean) => void;

const ToggleContext = createContext<ToggleReaction | null>(null);

/**
 * Gives the rows of one room a way to toggle reactions, through one
 * mutation for the room, and says below them when the server refused one.
 */
export function ReactionToggleProvider(props: { roomId: number; children: ReactNode }) {
  const toggle = useToggleReaction(props.roomId);
  const mutate = toggle.mutate;
  const value = useCallback<ToggleReaction>((seq, emoji, add) => mutate({ seq, emoji, add }), [mutate]);
  return (
    <ToggleContext.Provider value={value}>
      {props.children}
      {toggle.error ? (
        <p className="form-error pad" role="alert">
          {errorText(toggle.error)}
        </p>
      ) : null}
    </ToggleContext.Provider>
  );
}

/** The room's toggle; null outside a room (reactions are then shown only). */
export function useReactionToggle(): ToggleReaction | null {
  return useContext(ToggleContext);
}
