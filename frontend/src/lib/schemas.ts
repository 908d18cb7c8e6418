import * as z from 'zod/mini';

// Everything that enters the app from the server is checked here, once, so
// the rest of the code can trust its types.

/** A user as the API and the socket describe it. */
export const userSchema = z.object({
  id: z.number(),
  username: z.string(),
  display_name: z.string(),
});
/** A user as the API and the socket describe it. */
export type User = z.infer<typeof userSchema>;

/** A member of a room with their presence. */
export const memberSchema = z.object({
  id: z.number(),
  username: z.string(),
  display_name: z.string(),
  online: z.optional(z.boolean()),
});
/** A member of a room with their presence. */
export type Member = z.infer<typeof memberSchema>;

/** A room, with the caller's unread count when the API knows it. */
export const roomSchema = z.object({
  id: z.number(),
  name: z.string(),
  topic: z.optional(z.nullable(z.string())),
  kind: z.string(),
  last_seq: z.number(),
  unread: z.optional(z.number()),
  /** Mentions of the caller after their read marker (their room list only). */
  mentions: z.optional(z.number()),
  /** Whether @room mentions every member; the owner (owner_id) chooses. */
  room_mentions: z.optional(z.boolean()),
  owner_id: z.optional(z.number()),
});
/** A room, with the caller's unread count when the API knows it. */
export type Room = z.infer<typeof roomSchema>;

/** One emoji on a message: how many chose it and whether the caller did. */
export const reactionSchema = z.object({
  emoji: z.string(),
  count: z.number(),
  me: z.boolean(),
});
/** One emoji on a message: how many chose it and whether the caller did. */
export type Reaction = z.infer<typeof reactionSchema>;

/** One message of a room, numbered by seq. */
export const messageSchema = z.object({
  id: z.number(),
  room_id: z.number(),
  seq: z.number(),
  user: userSchema,
  body: z.string(),
  client_id: z.optional(z.nullable(z.string())),
  created_at: z.string(),
  edited_at: z.optional(z.nullable(z.string())),
  deleted: z.optional(z.boolean()),
  /** Replies: the thread's first message a reply belongs to, and its place there. */
  reply_to: z.optional(z.number()),
  reply_number: z.optional(z.number()),
  /** On a thread's first message: how many replies, and when the newest came. */
  reply_count: z.optional(z.number()),
  last_reply_at: z.optional(z.string()),
  /** Carried by history reads; missing means none. */
  reactions: z.optional(z.array(reactionSchema)),
});
/** One message of a room, numbered by seq. */
export type Message = z.infer<typeof messageSchema>;

/** The answer of register and login. */
export const authAnswerSchema = z.object({ user: userSchema });
/** The answer of GET /api/v1/me. */
export const meAnswerSchema = z.object({ user: userSchema });
/** A list of rooms. */
export const roomsAnswerSchema = z.object({ rooms: z.array(roomSchema) });
/** One room. */
export const roomAnswerSchema = z.object({ room: roomSchema });
/** A list of users. */
export const usersAnswerSchema = z.object({ users: z.array(userSchema) });
/** A list of members. */
export const membersAnswerSchema = z.object({ members: z.array(memberSchema) });
/** One message. */
export const messageAnswerSchema = z.object({ message: messageSchema });
/** A page of history in ascending seq order. */
export const messagePageSchema = z.object({
  messages: z.array(messageSchema),
  has_more: z.boolean(),
});
/** A page of history in ascending seq order. */
export type MessagePage = z.infer<typeof messagePageSchema>;

/** The error body every failing API call answers with. */
export const errorAnswerSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.optional(z.string()),
  }),
});
