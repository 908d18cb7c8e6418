import { useInfiniteQuery } from '@tanstack/react-query';
import * as z from 'zod/mini';
import { api } from '../../../lib/api-client';
import { messageSchema } from '../../../lib/schemas';

/**
 * A message that matched a search. highlight is its body cut where the
 * matching words start and end: even-indexed parts are plain, odd-indexed
 * parts matched, and joined they are the body.
 */
export const searchHitSchema = z.extend(messageSchema, { highlight: z.array(z.string()) });
/** A message that matched a search, with the matching words marked. */
export type SearchHit = z.infer<typeof searchHitSchema>;

/** A page of matches, newest first. */
export const searchPageSchema = z.object({ messages: z.array(searchHitSchema), has_more: z.boolean() });
/** A page of matches, newest first. */
export type SearchPage = z.infer<typeof searchPageSchema>;

/** Query keys of searches. */
export const searchKeys = {
  all: ['search'] as const,
  query: (q: string) => ['search', q] as const,
};

/** How many matches one request asks for. */
export const searchPageSize = 20;

/** The longest search the server takes, in characters. */
export const searchMaxLength = 200;

/** The URL of one page of a search: the newest matches, or those older than beforeId. */
export function searchUrl(q: string, beforeId?: number): string {
  const params = new URLSearchParams({ q, limit: String(searchPageSize) });
  if (beforeId !== undefined) params.set('before_id', String(beforeId));
  return `/api/v1/search?${params}`;
}

/** Fetches one page of a search. */
export function fetchSearch(q: string, beforeId?: number, signal?: AbortSignal): Promise<SearchPage> {
  return api(searchUrl(q, beforeId), { schema: searchPageSchema, signal });
}

/**
 * A search's matches, newest first, a page at a time: each next page asks
 * for the matches older than the last one shown. The matches are not
 * followed live; searching again shows what is new.
 */
export function useSearch(q: string) {
  return useInfiniteQuery({
    queryKey: searchKeys.query(q),
    enabled: q.trim() !== '',
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam, signal }) => fetchSearch(q, pageParam, signal),
    getNextPageParam: (last) => (last.has_more ? last.messages[last.messages.length - 1]?.id : undefined),
    staleTime: 0,
  });
}

/** The highlight's parts, each marked as matched or not. */
export function highlightParts(hit: SearchHit): { text: string; match: boolean }[] {
  // A hit without parts (an older server) shows its body unmarked.
  const parts = hit.highlight.length > 0 ? hit.highlight : [hit.body];
  return parts.map((text, i) => ({ text, match: i % 2 === 1 })).filter((p) => p.text !== '');
}
