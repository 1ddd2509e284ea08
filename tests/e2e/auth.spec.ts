import { expect, test } from "@playwright/test";
import { alerts, E2E_ADMIN, loginAsAdmin, uniqueEmail } from "./helpers";

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
