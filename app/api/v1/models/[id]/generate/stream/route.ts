import { withUser } from "@/lib/api";
import { ZGenerateStreamRequest } from "@/lib/server/models/generate-stream-protocol";
import { generateStream } from "@/lib/server/models/generate-stream";

export const dynamic = "force-dynamic";

// POST /api/v1/models/{id}/generate/stream {messages, maxTokens?, temperature?, topK?, topP?, seed?} -> text/event-stream
// of `token` {text so far} ... then `done` {text, promptTokensDropped} or `error` {message} (reviewers and admins). Closing it stops generation.
export const POST = withUser(async ({ req, user, params, body }) => generateStream({ user, versionId: params.id, request: body, signal: req.signal }), { body: ZGenerateStreamRequest });
