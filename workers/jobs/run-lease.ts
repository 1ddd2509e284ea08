// A training run's lease (TrainingRun.leaseOwner / leaseExpiresAt): a worker runs a round's stages only
// while it holds the lease. It takes it with one conditional UPDATE (free, its own, or expired), renews
// it every few seconds while the stage trains, and gives it back with the round's final status. The
// recovery sweep (workers/queue/recover.ts) re-queues only rounds whose lease has expired, and a worker
// that finds its lease taken or cannot renew it stops its stage: two workers never run one stage at once.
import { db } from "../../lib/db.ts";
import type { Prisma } from "../../lib/generated/prisma/client.ts";
import { HEARTBEAT_STALE_MS } from "../heartbeat.ts";

/** How long a lease lasts without renewal (as long as a heartbeat stays fresh). */
export const RUN_LEASE_MS = HEARTBEAT_STALE_MS;

const expiry = (leaseMs: number) => new Date(Date.now() + leaseMs);

/** Takes the run's lease for `owner` if it is free, already its own, or expired. Atomic. */
export async function takeRunLease(runId: string, owner: string, leaseMs = RUN_LEASE_MS): Promise<boolean> {
  const now = new Date();
  const { count } = await db.trainingRun.updateMany({
    where: {
      id: runId,
      status: { in: ["QUEUED", "RUNNING"] },
      OR: [{ leaseOwner: null }, { leaseOwner: owner }, { leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }],
    },
    data: { leaseOwner: owner, leaseExpiresAt: expiry(leaseMs) },
  });
  return count === 1;
}

/** Extends the lease if `owner` still holds it; also reads whether the round's cancellation was asked. */
export async function renewRunLease(runId: string, owner: string, leaseMs = RUN_LEASE_MS): Promise<{ held: boolean; cancelRequested: boolean }> {
  const rows = await db.trainingRun.updateManyAndReturn({
    where: { id: runId, leaseOwner: owner },
    data: { leaseExpiresAt: expiry(leaseMs) },
    select: { cancelRequested: true },
  });
  return { held: rows.length === 1, cancelRequested: rows[0]?.cancelRequested ?? false };
}

/** Writes the run's row only while `owner` holds the lease; `release` also gives the lease back. */
export async function writeLeasedRun(runId: string, owner: string, data: Prisma.TrainingRunUpdateManyMutationInput, options: { release?: boolean; tx?: Prisma.TransactionClient } = {}): Promise<boolean> {
  const { count } = await (options.tx ?? db).trainingRun.updateMany({
    where: { id: runId, leaseOwner: owner },
    data: options.release ? { ...data, leaseOwner: null, leaseExpiresAt: null } : data,
  });
  return count === 1;
}
