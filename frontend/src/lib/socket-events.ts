import * as z from 'zod/mini';
import { messageSchema, roomSchema, userSchema } from './schemas';

// Socket events the app understands; anything else is ignored, so a newer
// server can add events without breaking an open tab.
const readySchema = z.object({
  type: z.literal('ready'),
  user: userSchema,
  rooms: z.record(z.string(), z.number()),
  /** The resume point named at connect was taken; `resumed` follows. */
  resuming: z.optional(z.boolean()),
});
const messageEventSchema = z.object({ type: z.literal('message'), message: messageSchema });
const editedSchema = z.object({ type: z.literal('message_edited'), message: messageSchema });
const deletedSchema = z.object({
  type: z.literal('message_deleted'),
  room_id: z.number(),
  seq: z.number(),
});
const ackSchema = z.object({ type: z.literal('ack'), client_id: z.string(), message: messageSchema });
const typingSchema = z.object({ type: z.literal('typing'), room_id: z.number(), user: userSchema });
const presenceSchema = z.object({
  type: z.literal('presence'),
  user_id: z.number(),
  online: z.boolean(),
});
/** Several presence changes in one room, coalesced by the server. */
const presenceBatchSchema = z.object({
  type: z.literal('presence_batch'),
  room_id: z.number(),
  online_users: z.array(z.number()),
  offline_users: z.array(z.number()),
});
const roomJoinedSchema = z.object({ type: z.literal('room_joined'), room: roomSchema });
const memberChangeSchema = z.object({
  type: z.enum(['member_joined', 'member_left']),
  room_id: z.number(),
  user: userSchema,
});
/** Several joins and leaves of one room, coalesced by the server. */
const membersChangedSchema = z.object({
  type: z.literal('members_changed'),
  room_id: z.number(),
  joined: z.array(userSchema),
  left: z.array(userSchema),
});
/** Someone added or removed a reaction. */
const reactionSchema = z.object({
  type: z.literal('reaction'),
  room_id: z.number(),
  seq: z.number(),
  emoji: z.string(),
  user: userSchema,
  added: z.boolean(),
});
/** Many reaction changes of one room, coalesced by the server. */
const reactionBatchSchema = z.object({
  type: z.literal('reaction_batch'),
  room_id: z.number(),
  reactions: z.array(
    z.object({
      seq: z.number(),
      emoji: z.string(),
      added: z.array(z.number()),
      removed: z.array(z.number()),
    }),
  ),
});
/** A message that mentions the user (by name or @room). */
const mentionSchema = z.object({
  type: z.literal('mention'),
  room_id: z.number(),
  seq: z.number(),
  message: z.optional(messageSchema),
});
const resumedSchema = z.object({ type: z.literal('resumed') });
const errorSchema = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  client_id: z.optional(z.string()),
});

/** Any server → client event the app handles. */
export const serverEventSchema = z.discriminatedUnion('type', [
  readySchema,
  messageEventSchema,
  editedSchema,
  deletedSchema,
  ackSchema,
  typingSchema,
  presenceSchema,
  presenceBatchSchema,
  roomJoinedSchema,
  memberChangeSchema,
  membersChangedSchema,
  reactionSchema,
  reactionBatchSchema,
  mentionSchema,
  resumedSchema,
  errorSchema,
]);

/** Any server → client event the app handles. */
export type ServerEvent = z.infer<typeof serverEventSchema>;

/** Parses one text frame; undefined for malformed or unknown events. */
export function parseServerEvent(data: string): ServerEvent | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return undefined;
  }
  const parsed = serverEventSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
