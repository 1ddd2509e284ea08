// Test helpers: users with roles (and API tokens), projects with members, requests to route handlers.
import crypto from "node:crypto";
import { db, type ProjectRole, type Role, type TaskKind } from "@/lib/db";
import { createApiToken } from "@/lib/server/tokens/create-api-token";
import type { TSessionUser } from "@/lib/auth";

export type TTestUser = TSessionUser & { token: string; tokenId: string };

export async function createUser(options: { role?: Role; active?: boolean; name?: string } = {}): Promise<TTestUser> {
  const email = `${crypto.randomUUID()}@t.dev`;
  const user = await db.user.create({
    data: { email, role: options.role ?? "LABELER", active: options.active ?? true, name: options.name ?? null },
    select: { id: true, email: true, name: true, role: true },
  });
  const token = await createApiToken({ userId: user.id, name: "test" });
  return { ...user, token: token.token, tokenId: token.id };
}

export async function createProject(options: {
  createdById?: string;
  responsesPerTask?: number;
  labelsPerItem?: number;
  taskKinds?: TaskKind[];
  leaseMinutes?: number;
  flags?: string[];
} = {}) {
  return db.project.create({
    data: {
      name: `p-${crypto.randomUUID().slice(0, 8)}`,
      guidelines: "Rank by helpfulness, then honesty.",
      responsesPerTask: options.responsesPerTask ?? 4,
      labelsPerItem: options.labelsPerItem ?? 1,
      leaseMinutes: options.leaseMinutes ?? 30,
      ...(options.taskKinds ? { taskKinds: options.taskKinds } : {}),
      ...(options.flags ? { flags: options.flags } : {}),
      createdById: options.createdById ?? null,
    },
  });
}

export async function addMember(projectId: string, userId: string, role: ProjectRole = "LABELER") {
  await db.projectMember.create({ data: { projectId, userId, role } });
}

/** A member of `projectId` with the given global role and project role. */
export async function createMember(projectId: string, options: { role?: Role; projectRole?: ProjectRole } = {}) {
  const user = await createUser({ role: options.role });
  await addMember(projectId, user.id, options.projectRole ?? "LABELER");
  return user;
}

/** A Request to a route handler, authenticated with a Bearer token when given. */
export function apiRequest(
  path: string,
  options: { method?: string; token?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] = "application/json";
  }
  return new Request(`http://localhost${path}`, { method: options.method ?? "GET", headers, body });
}

export function routeContext<T extends Record<string, string>>(params: T) {
  return { params: Promise.resolve(params) };
}

export function jsonlOf(rows: unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
}

export async function* streamOf(text: string): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  // Small chunks, so line splitting across chunk boundaries is exercised.
  for (let i = 0; i < bytes.length; i += 37) yield bytes.slice(i, i + 37);
}
