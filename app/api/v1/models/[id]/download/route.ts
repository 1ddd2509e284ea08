import { withUser } from "@/lib/api";
import { streamModelArchive } from "@/lib/server/models/stream-model-archive";

// GET /api/v1/models/{id}/download: the model files (safetensors, config.json, tokenizer.json) as one tar, streamed
export const GET = withUser(async ({ user, params }) => {
  const { stream, fileName } = await streamModelArchive({ user, versionId: params.id });
  return new Response(stream, {
    headers: { "content-type": "application/x-tar", "content-disposition": `attachment; filename="${fileName}"`, "cache-control": "no-store" },
  });
});
