-- AlterTable
ALTER TABLE "Demonstration" ADD COLUMN     "correctedText" TEXT;

-- AlterTable
ALTER TABLE "PairwiseLabel" ADD COLUMN     "correctedChoice" TEXT;

-- CreateIndex
CREATE INDEX "TaskAssignment_taskId_userId_idx" ON "TaskAssignment"("taskId", "userId");

-- CreateIndex
CREATE INDEX "PairwiseLabel_userId_idx" ON "PairwiseLabel"("userId");
