import { withUser } from "@/lib/api";
import { ZGenerateRequest } from "@/lib/schemas/training";
import { generateWithModel } from "@/lib/server/models/generate-with-model";

// POST /api/v1/models/{id}/generate {prompts, maxTokens?, temperature?, topK?, topP?, seed?} -> {completions, promptTokensDropped, truncated} (reviewers and admins)
export const POST = withUser(async ({ user, params, body }) => generateWithModel({ user, versionId: params.id, request: body }), { body: ZGenerateRequest });
