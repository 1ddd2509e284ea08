import { withUser } from "@/lib/api";
import { IMPORT_CONTENT_TYPES, importRequestBody } from "@/lib/server/import/import-request-body";
import { importMaxBytes } from "@/lib/server/import/import-max-bytes";

// POST /api/v1/projects/{id}/import?mode=partial|all_or_nothing&format=jsonl|csv
// Body: raw JSONL/CSV text or multipart with a `file` -> {importId, imported, tasksCreated, rejected, duplicates} (admin)
export const POST = withUser(
  async ({ user, params, req, searchParams }) => importRequestBody({ user, projectId: params.id, req, searchParams }),
  { role: "ADMIN", maxBodyBytes: importMaxBytes, contentTypes: IMPORT_CONTENT_TYPES },
);
