import { useState } from 'react';
import type { ClusterAnswer } from '../api/cluster';
import { appendSample, emptyHistory, type ClusterHistory } from '../model/cluster-history';

/**
 * The last five minutes of answers, grown by one sample each time the
 * query brings a new answer (dataUpdatedAt moves even when the figures do
 * not). It lives in this component's state: leaving the page forgets it.
 */
export function useClusterHistory(data: ClusterAnswer | undefined, updatedAt: number): ClusterHistory {
  const [state, setState] = useState({ at: 0, history: emptyHistory });
  // Adjusting state while rendering, React's pattern for state derived
  // from a changing input, avoids an effect's extra render pass.
  if (data && updatedAt !== state.at) {
    const next = { at: updatedAt, history: appendSample(state.history, data, updatedAt) };
    setState(next);
    return next.history;
  }
  return state.history;
}
