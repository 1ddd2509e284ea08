import { withUser } from "@/lib/api";
import { AppError } from "@/lib/errors";
import { ZCandidatesRequest } from "@/lib/schemas/training";
import { enqueueCandidates, getCandidatesJob } from "@/lib/server/candidates/enqueue-candidates";

// POST /api/v1/projects/{id}/candidates {versionIds?, promptIds?, limit?, maxTokens?, temperature?} -> {jobId} (admin): model answers become ranking tasks
export const POST = withUser(async ({ user, params, body }) => enqueueCandidates({ user, projectId: params.id, request: body }), {
  role: "ADMIN",
  body: ZCandidatesRequest,
  status: 202,
});

// GET /api/v1/projects/{id}/candidates?jobId=: the job's state and result (admin)
export const GET = withUser(
  async ({ user, params, searchParams }) => {
    const jobId = searchParams.get("jobId");
    if (!jobId) throw new AppError("INVALID_INPUT", "jobId is required");
    return getCandidatesJob({ user, projectId: params.id, jobId });
  },
  { role: "ADMIN" },
);
