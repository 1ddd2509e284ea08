import { withUser } from "@/lib/api";
import { requireProjectAccess } from "@/lib/permissions";
import { ZScheduleRequest } from "@/lib/schemas/training";
import { getSchedule } from "@/lib/server/schedules/get-schedule";
import { updateSchedule } from "@/lib/server/schedules/update-schedule";

// GET /api/v1/projects/{id}/schedule (reviewers and admins)
export const GET = withUser(async ({ user, params }) => {
  await requireProjectAccess(user, params.id, "review");
  return getSchedule({ projectId: params.id });
});

// PUT /api/v1/projects/{id}/schedule {enabled, cron?, minNewLabels?, stages, preset?, config?, fromVersionId?} (admin)
export const PUT = withUser(
  async ({ user, params, body }) => {
    await requireProjectAccess(user, params.id, "manage");
    return updateSchedule({ projectId: params.id, request: body });
  },
  { role: "ADMIN", body: ZScheduleRequest },
);
