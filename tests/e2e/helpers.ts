import { randomUUID } from "node:crypto";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_ADMIN } from "../../playwright.config";

export { E2E_ADMIN };

/** A unique email per test, so tests never collide on the shared server. */
export function uniqueEmail(tag = "user") {
  return `${tag}-${randomUUID().slice(0, 8)}@e2e.test`;
}

/** Signs in through NextAuth's API (no UI); the session cookie lands in the request's context. */
export async function loginViaApi(request: APIRequestContext, email: string, password: string) {
  const { csrfToken } = await (await request.get("/api/auth/csrf")).json();
  const res = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
    maxRedirects: 0,
  });
  expect([200, 302]).toContain(res.status());
  const me = await request.get("/api/v1/me");
  expect(me.status(), `login as ${email}`).toBe(200);
}

export async function loginAsAdmin(page: Page) {
  await loginViaApi(page.request, E2E_ADMIN.email, E2E_ADMIN.password);
}

/** Creates a user through the admin API; the page's context must be signed in as an admin. */
export async function createUser(page: Page, role: "ADMIN" | "REVIEWER" | "LABELER", password = "password-123") {
  const email = uniqueEmail(role.toLowerCase());
  const res = await page.request.post("/api/v1/users", { data: { email, password, role } });
  expect(res.status(), await res.text()).toBe(201);
  return { ...(await res.json()), password } as { id: string; email: string; role: string; password: string };
}

/** The page's own alert messages (Next.js adds an empty role=alert route announcer of its own). */
export function alerts(page: Page) {
  return page.locator('[role="alert"]:not(#__next-route-announcer__)');
}

/**
 * Labels a seeded "Say <word>" project through the labeling API, as a labeler's script would: up to
 * `rounds` demonstrations ("<word> <word>") and rankings (any answer above "no").
 */
export async function labelSayTasks(api: APIRequestContext, projectId: string, rounds: number) {
  for (let i = 0; i < rounds; i++) {
    const demo = await api.get(`/api/v1/projects/${projectId}/tasks/next?kind=demonstration`);
    if (demo.status() === 200) {
      const t = await demo.json();
      const w = t.prompt.replace("Say ", "");
      expect((await api.post(`/api/v1/tasks/${t.id}/submit`, { data: { text: `${w} ${w}` } })).status()).toBeLessThan(300);
    }
    const rank = await api.get(`/api/v1/projects/${projectId}/tasks/next?kind=ranking`);
    if (rank.status() === 200) {
      const t = await rank.json();
      const good = t.responses.find((r: { text: string }) => r.text !== "no");
      const bad = t.responses.find((r: { text: string }) => r.text === "no");
      expect((await api.post(`/api/v1/tasks/${t.id}/submit`, { data: { ranking: [[good.id], [bad.id]], orderAction: "moved" } })).status()).toBeLessThan(300);
    }
  }
}
