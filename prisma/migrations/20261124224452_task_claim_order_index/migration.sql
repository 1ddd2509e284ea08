-- DropIndex
DROP INDEX "Task_projectId_kind_status_idx";

-- CreateIndex
CREATE INDEX "Task_projectId_kind_status_createdAt_id_idx" ON "Task"("projectId", "kind", "status", "createdAt", "id");
