import { expect, test } from "@playwright/test";
import { alerts, createUser, E2E_ADMIN, labelSayTasks, loginAsAdmin, loginViaApi, uniqueEmail } from "./helpers";

test("admin can sign in with email and password", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email").fill(E2E_ADMIN.email);
  await page.getByLabel("Password").fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("whoami")).toContainText(E2E_ADMIN.email);
  await expect(page.getByRole("link", { name: "Users" })).toBeVisible();
});

test("a wrong password is refused without saying which part was wrong", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(E2E_ADMIN.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(alerts(page)).toHaveText("Invalid email or password");
  await page.getByLabel("Email").fill(uniqueEmail("nobody"));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(alerts(page)).toHaveText("Invalid email or password");
  await expect(page).toHaveURL(/\/login/);
});

test("admin invites a labeler who joins with the link and signs in", async ({ page, browser }) => {
  await loginAsAdmin(page);
  await page.goto("/admin/users");
  const email = uniqueEmail("invitee");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("LABELER");
  await page.getByRole("button", { name: "Create invitation link" }).click();
  const link = await page.getByTestId("invite-link").inputValue();
  expect(link).toContain("/invite/inv_");

  // The invitee opens the link in a fresh browser context (no admin cookies).
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link);
  await expect(invitee.getByText("You are invited as labeler")).toBeVisible();
  await invitee.getByLabel("Your name").fill("Lea Labeler");
  await invitee.getByLabel("Choose a password").fill("labeler-pass-1");
  await invitee.getByLabel("Confirm password").fill("labeler-pass-1");
  await invitee.getByRole("button", { name: "Create my account" }).click();
  await expect(invitee.getByTestId("whoami")).toContainText(email);
  // Labelers see no admin navigation.
  await expect(invitee.getByRole("link", { name: "Users" })).toHaveCount(0);

  // The link works once.
  const again = await (await browser.newContext()).newPage();
  await again.goto(link);
  await expect(alerts(again)).toContainText("invalid, already used or expired");

  // The admin sees the new account.
  await page.reload();
  await expect(page.getByTestId(`user-${email}`)).toContainText("active");
});

test("user creates an API token, uses it, and revokes it", async ({ page, playwright, baseURL }) => {
  await loginAsAdmin(page);
  await page.goto("/settings/tokens");
  await page.getByLabel("Token name").fill("e2e script");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByTestId("new-token").inputValue();
  expect(token).toMatch(/^rlhf_/);

  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  expect((await api.get("/api/v1/me")).status()).toBe(200);

  await page.getByRole("row", { name: /e2e script/ }).getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("row", { name: /e2e script/ })).toContainText("revoked");
  expect((await api.get("/api/v1/me")).status()).toBe(401);
});

test("health reports app, database and worker", async ({ request }) => {
  const res = await request.get("/api/health");
  const body = await res.json();
  expect(body.database.status).toBe("ok");
  expect(body.app.status).toBe("ok");
  // The worker heartbeat may take a few seconds after start.
  await expect.poll(async () => (await (await request.get("/api/health")).json()).worker.status, { timeout: 30_000 }).toBe("ok");
  expect((await request.get("/api/health")).status()).toBe(200);
});

// ---------------------------------------------------------------------------------------------
// Sessions, passwords, throttle address, security headers (#11)
// ---------------------------------------------------------------------------------------------

const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token$/;

test("a copied session cookie stops working after sign-out", async ({ page, playwright, baseURL }) => {
  await loginAsAdmin(page);
  const user = await createUser(page, "LABELER");
  await page.context().clearCookies();
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("whoami")).toContainText(user.email);

  const cookie = (await page.context().cookies()).find((c) => SESSION_COOKIE.test(c.name));
  expect(cookie).toBeTruthy();
  const thief = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { cookie: `${cookie!.name}=${cookie!.value}` } });
  expect((await thief.get("/api/v1/me")).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page).toHaveURL(/\/login/);
  expect((await thief.get("/api/v1/me")).status()).toBe(401);
  const pageWithCopy = await thief.get("/projects", { maxRedirects: 0 });
  expect(pageWithCopy.status()).toBe(307);
  expect(pageWithCopy.headers().location).toMatch(/\/login/);
});

test("sign-in records the caller's real address, not a forged X-Forwarded-For", async ({ playwright, baseURL }) => {
  const forged = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": "203.0.113.77", "x-rlhf-peer-address": "203.0.113.78" } });
  await loginViaApi(forged, E2E_ADMIN.email, E2E_ADMIN.password);
  const sessions = (await (await forged.get("/api/v1/me/sessions")).json()) as { ip: string | null; current: boolean }[];
  const current = sessions.find((s) => s.current);
  expect(current, JSON.stringify(sessions)).toBeTruthy();
  expect(["127.0.0.1", "::1"]).toContain(current!.ip);
});

test("a user changes their password: other browsers are signed out, this one stays", async ({ page, browser, playwright, baseURL }) => {
  await loginAsAdmin(page);
  const user = await createUser(page, "LABELER", "first-password-1");
  const other = await playwright.request.newContext({ baseURL });
  await loginViaApi(other, user.email, user.password);

  const me = await (await browser.newContext()).newPage();
  await loginViaApi(me.request, user.email, user.password);
  await me.goto("/settings/account");
  await me.getByLabel("Current password").fill("not-my-password");
  await me.getByLabel("New password", { exact: true }).fill("second-password-2");
  await me.getByLabel("Confirm new password").fill("second-password-2");
  await me.getByRole("button", { name: "Change password" }).click();
  await expect(alerts(me)).toContainText("current password is not right");

  await me.getByLabel("Current password").fill(user.password);
  await me.getByRole("button", { name: "Change password" }).click();
  await expect(me.getByRole("status")).toContainText("Password changed. 1 other session was signed out.");
  expect((await other.get("/api/v1/me")).status()).toBe(401);
  expect((await me.request.get("/api/v1/me")).status()).toBe(200);

  const fresh = await playwright.request.newContext({ baseURL });
  await loginViaApi(fresh, user.email, "second-password-2");
});

test("admin confirms before deactivating, and issues a one-time reset link the user sets a new password with", async ({ page, browser }) => {
  await loginAsAdmin(page);
  const user = await createUser(page, "LABELER");
  const before = await (await browser.newContext()).newPage();
  await loginViaApi(before.request, user.email, user.password);

  await page.goto("/admin/users");
  const row = page.getByTestId(`user-${user.email}`);
  // Deactivate asks first; Cancel leaves the account alone.
  await row.getByRole("button", { name: "Deactivate" }).click();
  await expect(page.getByRole("alertdialog")).toContainText(`Deactivate ${user.email}?`);
  await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
  await expect(row).toContainText("active");
  expect((await before.request.get("/api/v1/me")).status()).toBe(200);

  await row.getByRole("button", { name: "Reset link" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Create link" }).click();
  const link = await row.getByTestId("reset-link").inputValue();
  expect(link).toMatch(/\/reset\/pwr_/);

  const owner = await (await browser.newContext()).newPage();
  await owner.goto(link);
  await owner.getByLabel("New password").fill("reset-password-3");
  await owner.getByLabel("Confirm password").fill("reset-password-3");
  await owner.getByRole("button", { name: "Set new password" }).click();
  await expect(owner.getByTestId("whoami")).toContainText(user.email);
  // The reset signed out the session from before; the link works once.
  expect((await before.request.get("/api/v1/me")).status()).toBe(401);
  const again = await (await browser.newContext()).newPage();
  await again.goto(link);
  await expect(alerts(again)).toContainText("invalid, already used or expired");

  // Deactivate, confirmed this time.
  await row.getByRole("button", { name: "Deactivate" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Deactivate" }).click();
  await expect(row).toContainText("deactivated");
});

test("pages pass the Content-Security-Policy and every response carries the security headers", async ({ page }) => {
  test.setTimeout(240_000);
  const violations: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`);
    });
  });
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const expectHeaders = (headers: Record<string, string>, what: string) => {
    expect(headers["content-security-policy"], what).toMatch(/frame-ancestors 'none'/);
    expect(headers["content-security-policy"], what).toMatch(/object-src 'none'/);
    expect(headers["x-frame-options"], what).toBe("DENY");
    expect(headers["x-content-type-options"], what).toBe("nosniff");
    expect(headers["referrer-policy"], what).toBe("strict-origin-when-cross-origin");
  };
  const visit = async (path: string) => {
    const res = await page.goto(path);
    expectHeaders(res!.headers(), path);
    await page.waitForLoadState("networkidle");
  };
  const pageViolations = () => page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);

  await visit("/login");
  expect(await pageViolations()).toEqual([]);
  expectHeaders((await page.request.get("/api/health")).headers(), "/api/health");

  // Signed in: a labeling page with markdown (code, emphasis, a table) and a training run with live charts.
  await loginAsAdmin(page);
  const api = page.request;
  const project = await (await api.post("/api/v1/projects", { data: { name: `csp-${Date.now()}`, responsesPerTask: 2 } })).json();
  await api.post(`/api/v1/projects/${project.id}/members`, { data: { email: E2E_ADMIN.email, role: "LABELER" } });
  const words = ["red", "blue", "green", "cat"];
  const jsonl = words
    .map((w) => JSON.stringify({ prompt: `Say ${w}`, responses: [`${w} ${w}\n\n**bold** and \`code\`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\`\`\`python\nprint("${w}")\n\`\`\``, "no"] }))
    .join("\n");
  const imp = await api.post(`/api/v1/projects/${project.id}/import?mode=partial&format=jsonl`, { data: jsonl, headers: { "content-type": "application/x-ndjson" } });
  expect(imp.status(), await imp.text()).toBeLessThan(300);
  await visit(`/projects/${project.id}/label?kind=ranking`);
  await expect(page.locator("strong", { hasText: "bold" }).first()).toBeVisible();
  expect(await pageViolations()).toEqual([]);

  await labelSayTasks(api, project.id, words.length);
  await visit(`/projects/${project.id}/runs`);
  await page.getByLabel("rm", { exact: true }).uncheck();
  await page.getByLabel("ppo", { exact: true }).uncheck();
  await page.getByLabel("Overrides (JSON)").fill(JSON.stringify({ maxSteps: 30, batchSize: 4, maxLength: 32, evalInterval: 0 }));
  await page.getByRole("button", { name: "Launch round" }).click();
  await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/, { timeout: 30_000 });
  const runId = page.url().split("/").pop()!;
  await expect(page.locator('[data-testid^="chart-"]').first()).toBeVisible({ timeout: 120_000 });
  expect(await pageViolations()).toEqual([]);
  await api.post(`/api/v1/runs/${runId}/cancel`);

  await visit("/settings/account");
  expect(await pageViolations()).toEqual([]);
  expect(violations).toEqual([]);
});
