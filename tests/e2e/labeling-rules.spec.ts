import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type PlaywrightWorkerArgs } from "@playwright/test";
import { E2E_ADMIN, loginViaApi, uniqueEmail } from "./helpers";

// What labelers see is what gets trained (issue #11), in a real browser: "both are bad" on a pair, a
// ranking is never the untouched shuffled order, and freezing a snapshot says how much of it was reviewed.

type TUser = { email: string; password: string };
type TQueueItem = { kind: string; id: string; prompt: string; labeler: { email: string }; label: { groups?: string[][]; choice?: string; strength?: number; orderAction?: string | null } };

async function apiAs(playwright: PlaywrightWorkerArgs["playwright"], baseURL: string | undefined, user: TUser) {
  const ctx = await playwright.request.newContext({ baseURL });
  await loginViaApi(ctx, user.email, user.password);
  return ctx;
}

async function newUser(admin: APIRequestContext, role: "REVIEWER" | "LABELER"): Promise<TUser> {
  const user = { email: uniqueEmail(role.toLowerCase()), password: "password-123" };
  const res = await admin.post("/api/v1/users", { data: { ...user, role } });
  expect(res.status(), await res.text()).toBe(201);
  return user;
}

/** A project with one member and the given items imported. */
async function seedProject(admin: APIRequestContext, taskKinds: string[], member: TUser, lines: object[]) {
  const created = await admin.post("/api/v1/projects", { data: { name: `rules ${randomUUID().slice(0, 8)}`, responsesPerTask: 4, labelsPerItem: 1, taskKinds } });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  expect((await admin.post(`/api/v1/projects/${id}/members`, { data: { email: member.email, role: "LABELER" } })).status()).toBe(201);
  const imported = await admin.post(`/api/v1/projects/${id}/import?mode=all_or_nothing&format=jsonl`, {
    headers: { "content-type": "application/x-ndjson" },
    data: lines.map((l) => JSON.stringify(l)).join("\n"),
  });
  expect(imported.status(), await imported.text()).toBe(200);
  return id;
}

async function reviewQueue(admin: APIRequestContext, projectId: string) {
  const res = await admin.get(`/api/v1/projects/${projectId}/review-queue?limit=500`);
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { items: TQueueItem[] }).items;
}

test("labeler marks both answers of a pair bad with key 0", async ({ page, playwright, baseURL }) => {
  const admin = await apiAs(playwright, baseURL, E2E_ADMIN);
  const labeler = await newUser(admin, "LABELER");
  const tag = randomUUID().slice(0, 8);
  const projectId = await seedProject(admin, ["PAIRWISE"], labeler, [{ prompt: `What is 2 + 2? (${tag})`, responses: ["5", "22"] }]);

  await loginViaApi(page.request, labeler.email, labeler.password);
  await page.goto(`/projects/${projectId}/label?kind=pairwise`);
  await expect(page.getByRole("radiogroup", { name: "Which answer is better?" })).toBeVisible();
  await page.keyboard.press("0");
  await expect(page.getByRole("radio", { name: /Both are bad/ })).toHaveAttribute("aria-checked", "true");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("no-tasks")).toBeVisible();

  const items = (await reviewQueue(admin, projectId)).filter((i) => i.labeler.email === labeler.email);
  expect(items).toHaveLength(1);
  expect(items[0]).toMatchObject({ kind: "pairwise", label: { choice: "both_bad", strength: 0 } });
  // Both bad is no preference: the snapshot has no pair for it.
  const snap = await admin.post(`/api/v1/projects/${projectId}/snapshots`, { data: { name: "both bad" } });
  expect(snap.status(), await snap.text()).toBe(201);
  expect((await snap.json()).counts).toMatchObject({ pairwise: 1, preferences: 0 });
});

test("labeler cannot submit an untouched ranking: confirms the order shown (C) or moves an answer", async ({ page, playwright, baseURL }) => {
  const admin = await apiAs(playwright, baseURL, E2E_ADMIN);
  const labeler = await newUser(admin, "LABELER");
  const tag = randomUUID().slice(0, 8);
  const projectId = await seedProject(admin, ["RANKING"], labeler, [
    { prompt: `Name a colour (${tag})`, responses: ["Blue.", "Red.", "Green.", "Seven."] },
    { prompt: `Name a fruit (${tag})`, responses: ["Apple.", "Pear.", "Plum.", "Brick."] },
  ]);

  await loginViaApi(page.request, labeler.email, labeler.password);
  await page.goto(`/projects/${projectId}/label?kind=ranking`);
  const cards = page.locator("[data-response-id]");
  await expect(cards).toHaveCount(4);
  const submit = page.getByRole("button", { name: "Submit ranking" });
  await expect(submit).toBeDisabled();
  await expect(page.getByText(/Move, tie or score an answer, or confirm that the order shown is right/).first()).toBeVisible();

  // The keyboard alone: Enter on the untouched order says why, C confirms it, Enter submits.
  const firstOrder = await cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-response-id")!));
  await expect(cards.first()).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("alert").filter({ hasText: "confirm that the order shown is right" })).toBeVisible();
  await page.keyboard.press("c");
  await expect(page.getByRole("checkbox", { name: /This order is right/ })).toBeChecked();
  await expect(submit).toBeEnabled();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Submitted." })).toBeVisible();

  // The next task: moving an answer is enough; the confirm box makes way for "You set this order".
  await expect(cards).toHaveCount(4);
  await expect.poll(() => cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-response-id")!).join())).not.toBe(firstOrder.join());
  await expect(submit).toBeDisabled();
  const secondShown = await cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-response-id")!));
  await cards.first().focus();
  await page.keyboard.press("j");
  await expect(page.getByTestId("order-set")).toBeVisible();
  await expect(page.getByRole("checkbox", { name: /This order is right/ })).toHaveCount(0);
  await submit.click();
  await expect(page.getByTestId("no-tasks")).toBeVisible();

  const items = (await reviewQueue(admin, projectId)).filter((i) => i.labeler.email === labeler.email);
  expect(items).toHaveLength(2);
  const confirmed = items.find((i) => i.label.orderAction === "confirmed")!;
  const moved = items.find((i) => i.label.orderAction === "moved")!;
  expect(confirmed.label.groups).toEqual(firstOrder.map((id) => [id]));
  expect(moved.label.groups).toEqual([[secondShown[1]], [secondShown[0]], [secondShown[2]], [secondShown[3]]]);
});

test("reviewer sees how many labels are reviewed and unreviewed before freezing a snapshot", async ({ page, playwright, baseURL }) => {
  const admin = await apiAs(playwright, baseURL, E2E_ADMIN);
  const labeler = await newUser(admin, "LABELER");
  const reviewer = await newUser(admin, "REVIEWER");
  const tag = randomUUID().slice(0, 8);
  const projectId = await seedProject(admin, ["RANKING"], labeler, [
    { prompt: `First (${tag})`, responses: ["good", "bad"] },
    { prompt: `Second (${tag})`, responses: ["fine", "worse"] },
  ]);
  expect((await admin.post(`/api/v1/projects/${projectId}/members`, { data: { email: reviewer.email, role: "REVIEWER" } })).status()).toBe(201);
  const lab = await apiAs(playwright, baseURL, labeler);
  const labelIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    const t = await (await lab.get(`/api/v1/projects/${projectId}/tasks/next?kind=ranking`)).json();
    const res = await lab.post(`/api/v1/tasks/${t.id}/submit`, { data: { ranking: t.responses.map((r: { id: string }) => [r.id]), orderAction: "confirmed" } });
    expect(res.status(), await res.text()).toBe(200);
    labelIds.push((await res.json()).labelId);
  }
  const rev = await apiAs(playwright, baseURL, reviewer);
  expect((await rev.post(`/api/v1/labels/ranking/${labelIds[0]}/review`, { data: { decision: "accept" } })).status()).toBe(200);

  await loginViaApi(page.request, reviewer.email, reviewer.password);
  await page.goto(`/projects/${projectId}/snapshots`);
  const preview = page.getByTestId("snapshot-preview");
  await expect(preview).toContainText("Freezing now takes 2 labels");
  await expect(page.getByTestId("snapshot-preview-review")).toContainText("1 reviewed (accepted or corrected by a reviewer), 1 unreviewed");
  await expect(preview).toContainText("does not require review");

  await page.getByLabel("Snapshot name").fill("checked");
  await page.getByRole("button", { name: "Freeze snapshot" }).click();
  await expect(page.getByText(/Snapshot “checked” frozen: .*labels 1 reviewed, 1 unreviewed/)).toBeVisible();
  await expect(page.getByTestId("snapshot-checked").getByTestId("snapshot-review")).toHaveText("1 reviewed, 1 unreviewed");
});
