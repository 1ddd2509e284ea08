import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test, type APIRequestContext, type Page, type PlaywrightWorkerArgs } from "@playwright/test";
import { E2E_ADMIN, loginViaApi, uniqueEmail } from "./helpers";

// The labeling loop in a real browser: labelers write, rank (keyboard and drag and drop), reviewers
// reject, admins import files and freeze snapshots. Seeding goes through the JSON API.

const fixtures = path.resolve(import.meta.dirname, "../fixtures");
type TRole = "ADMIN" | "REVIEWER" | "LABELER";
type TUser = { email: string; password: string };

async function apiAs(playwright: PlaywrightWorkerArgs["playwright"], baseURL: string | undefined, user: TUser) {
  const ctx = await playwright.request.newContext({ baseURL });
  await loginViaApi(ctx, user.email, user.password);
  return ctx;
}

async function newUser(admin: APIRequestContext, role: TRole): Promise<TUser> {
  const user = { email: uniqueEmail(role.toLowerCase()), password: "password-123" };
  const res = await admin.post("/api/v1/users", { data: { ...user, role } });
  expect(res.status(), await res.text()).toBe(201);
  return user;
}

async function newProject(admin: APIRequestContext, options: { taskKinds: string[]; responsesPerTask?: number; labelsPerItem?: number }) {
  const res = await admin.post("/api/v1/projects", {
    data: { name: `e2e ${randomUUID().slice(0, 8)}`, guidelines: "Prefer **correct** answers.", responsesPerTask: 4, labelsPerItem: 1, ...options },
  });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function addMember(admin: APIRequestContext, projectId: string, email: string, role: "LABELER" | "REVIEWER" = "LABELER") {
  const res = await admin.post(`/api/v1/projects/${projectId}/members`, { data: { email, role } });
  expect(res.status(), await res.text()).toBe(201);
}

async function importLines(admin: APIRequestContext, projectId: string, lines: object[]) {
  const res = await admin.post(`/api/v1/projects/${projectId}/import?mode=all_or_nothing&format=jsonl`, {
    headers: { "content-type": "application/x-ndjson" },
    data: lines.map((l) => JSON.stringify(l)).join("\n"),
  });
  expect(res.status(), await res.text()).toBe(200);
  const body = await res.json();
  expect(body.rejected, JSON.stringify(body.rejected)).toEqual([]);
  return body;
}

/** Leases the next ranking task through the API and ranks its answers in the order given. */
async function rankViaApi(ctx: APIRequestContext, projectId: string, order: (texts: { id: string; text: string }[]) => string[][]) {
  const next = await ctx.get(`/api/v1/projects/${projectId}/tasks/next?kind=ranking`);
  expect(next.status(), await next.text()).toBe(200);
  const task = await next.json();
  const res = await ctx.post(`/api/v1/tasks/${task.id}/submit`, { data: { ranking: order(task.responses), orderAction: "moved", timeSpentMs: 1000 } });
  expect(res.status(), await res.text()).toBe(200);
  const { labelId } = (await res.json()) as { labelId: string };
  return { ...(task as { id: string; prompt: string; responses: { id: string; text: string }[] }), labelId };
}

async function reviewQueue(admin: APIRequestContext, projectId: string) {
  const res = await admin.get(`/api/v1/projects/${projectId}/review-queue?limit=500`);
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { items: { kind: string; id: string; prompt: string; labeler: { email: string }; label: { groups?: string[][]; text?: string } }[] }).items;
}

async function snapshotExport(admin: APIRequestContext, projectId: string, name: string, format: string) {
  const snap = await admin.post(`/api/v1/projects/${projectId}/snapshots`, { data: { name } });
  expect(snap.status(), await snap.text()).toBe(201);
  const { id } = await snap.json();
  const res = await admin.get(`/api/v1/snapshots/${id}/export?format=${format}`);
  expect(res.status(), await res.text()).toBe(200);
  return (await res.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Groups compared as sets: the order of ids inside one tie carries no meaning. */
const canonical = (groups: string[][]) => groups.map((g) => [...g].sort());

async function signIn(page: Page, user: TUser) {
  await loginViaApi(page.request, user.email, user.password);
}

const fourAnswers = (tag: string) => ({
  prompt: `How do I check whether a number is prime? (${tag})`,
  responses: [
    `Loop from 2 to the square root of n; if nothing divides n it is prime. (${tag})`,
    "Odd numbers are prime.",
    "Try every divisor from 2 to n-1:\n\n```python\ndef is_prime(n):\n    return n > 1 and all(n % d for d in range(2, n))\n```",
    "Import the `prime` module and call `prime.check(n)`.",
  ],
});

test("labeler writes a demonstration with a saved draft, undoes it and submits again", async ({ page, playwright, baseURL }) => {
  const admin = await apiAs(playwright, baseURL, E2E_ADMIN);
  const labeler = await newUser(admin, "LABELER");
  const projectId = await newProject(admin, { taskKinds: ["DEMONSTRATION"] });
  await addMember(admin, projectId, labeler.email);
  const tag = randomUUID().slice(0, 8);
  await importLines(admin, projectId, [{ prompt: `Write a haiku about autumn rain (${tag})` }]);

  await signIn(page, labeler);
  await page.goto(`/projects/${projectId}`);
  // Labelers see Overview and Label only.
  const projectNav = page.getByRole("navigation", { name: "Project" });
  await expect(projectNav.getByRole("link")).toHaveText(["Overview", "Label"]);
  await projectNav.getByRole("link", { name: "Label" }).click();
  await expect(page.getByText(`Write a haiku about autumn rain (${tag})`)).toBeVisible();
  await expect(page.getByRole("complementary", { name: "Guidelines" })).toContainText("Prefer correct answers");

  const reply = page.getByLabel("Your reply");
  await expect(reply).toBeFocused();
  await reply.fill("Rain on the tin roof\n\n**drumming** softly through the night");
  await page.getByRole("tab", { name: "Preview" }).click();
  await expect(page.getByRole("tabpanel").locator("strong")).toHaveText("drumming");
  await page.getByRole("tab", { name: "Write" }).click();
  await expect(page.getByTestId("draft-status")).toContainText("Draft saved");

  // The draft survives a reload.
  await page.reload();
  await expect(page.getByLabel("Your reply")).toHaveValue(/drumming/);

  await page.getByLabel("Your reply").press("Control+Enter");
  await expect(page.getByTestId("no-tasks")).toBeVisible();
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.getByLabel("Your reply")).toHaveValue(/drumming/);
  await page.getByLabel("Your reply").press("End");
  await page.keyboard.type(" - leaves fall.");
  await page.getByRole("button", { name: "Submit reply" }).click();
  await expect(page.getByTestId("no-tasks")).toBeVisible();

  const items = (await reviewQueue(admin, projectId)).filter((i) => i.labeler.email === labeler.email);
  expect(items).toHaveLength(1);
  expect(items[0].kind).toBe("demonstration");
  expect(items[0].label.text).toContain("leaves fall.");
});

test("labeler ranks four responses with a tie using the keyboard only", async ({ page, playwright, baseURL }) => {
  const admin = await apiAs(playwright, baseURL, E2E_ADMIN);
  const labeler = await newUser(admin, "LABELER");
  const projectId = await newProject(admin, { taskKinds: ["RANKING"] });
  await addMember(admin, projectId, labeler.email);
  await importLines(admin, projectId, [fourAnswers(randomUUID().slice(0, 8))]);

  await signIn(page, labeler);
  await page.goto(`/projects/${projectId}/label?kind=ranking`);
  const cards = page.locator("[data-response-id]");
  await expect(cards).toHaveCount(4);
  // Code in answers is highlighted.
  await expect(page.locator("pre code.hljs").first()).toBeVisible();
  const ids = await cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-response-id")!));
  const [a, b, c, d] = ids;

  // The first answer has the focus when the task opens: no mouse needed from here on.
  await expect(cards.first()).toBeFocused();
  await page.keyboard.press("ArrowDown"); // focus B
  await page.keyboard.press("t"); // tie B with A
  await expect(page.getByTestId("ranking-announcer")).toContainText("tied with Answer A");
  await page.keyboard.press("End"); // focus D
  await page.keyboard.press("k"); // D above C
  await page.keyboard.press("Alt+ArrowUp"); // D above the tie
  await page.keyboard.press("Alt+ArrowDown"); // and back below it
  await page.keyboard.press("3"); // D scores 3 of 7
  await expect(page.getByTestId("rank-group")).toHaveCount(3);
  await expect(page.getByTestId("rank-group").first()).toContainText("tie");
  await expect(page.locator(`[data-response-id="${d}"]`)).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Submitted." })).toBeVisible();
  await expect(page.getByTestId("no-tasks")).toBeVisible();

  const [item] = (await reviewQueue(admin, projectId)).filter((i) => i.labeler.email === labeler.email);
  expect(item.kind).toBe("ranking");
  expect(canonical(item.label.groups!)).toEqual(canonical([[a, b], [d], [c]]));
});

test("labeler ranks by drag and drop", async ({ page, playwright, baseURL }) => {
  const admin = await apiAs(playwright, baseURL, E2E_ADMIN);
  const labeler = await newUser(admin, "LABELER");
  const projectId = await newProject(admin, { taskKinds: ["RANKING"] });
  await addMember(admin, projectId, labeler.email);
  await importLines(admin, projectId, [fourAnswers(randomUUID().slice(0, 8))]);

  await signIn(page, labeler);
  await page.goto(`/projects/${projectId}/label?kind=ranking`);
  const cards = page.locator("[data-response-id]");
  await expect(cards).toHaveCount(4);
  const ids = await cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-response-id")!));

  // Drag the last answer by its handle onto the first place (a tall window keeps all four in view).
  await page.setViewportSize({ width: 1280, height: 1600 });
  const handle = page.getByRole("button", { name: "Drag Answer D" });
  await handle.scrollIntoViewIfNeeded();
  const from = (await handle.boundingBox())!;
  const to = (await cards.first().boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2, from.y - 10, { steps: 5 });
  await page.mouse.move(to.x + to.width / 2, to.y + 5, { steps: 20 });
  await page.mouse.up();
  await expect.poll(() => cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-response-id")))).toEqual([ids[3], ids[0], ids[1], ids[2]]);

  await page.getByRole("button", { name: "Submit ranking" }).click();
  await expect(page.getByTestId("no-tasks")).toBeVisible();
  const [item] = (await reviewQueue(admin, projectId)).filter((i) => i.labeler.email === labeler.email);
  expect(item.label.groups).toEqual([[ids[3]], [ids[0]], [ids[1]], [ids[2]]]);
});

test("labeler on a phone skips one pair and judges the next with the keyboard", async ({ page, playwright, baseURL }) => {
  const admin = await apiAs(playwright, baseURL, E2E_ADMIN);
  const labeler = await newUser(admin, "LABELER");
  const projectId = await newProject(admin, { taskKinds: ["PAIRWISE"] });
  await addMember(admin, projectId, labeler.email);
  const tag = randomUUID().slice(0, 8);
  await importLines(admin, projectId, [
    { prompt: `Which is friendlier? (${tag})`, responses: ["Pass the salt. Now.", "Could you please pass the salt?"] },
    { prompt: `Which is shorter? (${tag})`, responses: ["Yes.", "Yes, that is right, I agree with you."] },
  ]);

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, labeler);
  await page.goto(`/projects/${projectId}/label?kind=pairwise`);
  // Guidelines are folded on a phone.
  await expect(page.getByText("Prefer correct answers")).toBeHidden();
  await page.getByRole("button", { name: "Guidelines" }).click();
  await expect(page.getByText("Prefer correct answers")).toBeVisible();

  await expect(page.getByRole("radiogroup", { name: "Which answer is better?" })).toBeVisible();
  const skipped = await page.getByRole("region", { name: "Prompt" }).textContent();
  await page.getByRole("button", { name: "Skip…" }).click();
  await page.getByLabel("Skip reason").selectOption("Outside my expertise");
  await page.getByRole("button", { name: "Skip this task" }).click();
  await expect(page.getByRole("region", { name: "Prompt" })).not.toHaveText(skipped!);

  await page.keyboard.press("d");
  await expect(page.getByTestId("word-diff")).toBeVisible();
  const shownB = (await page.getByRole("region", { name: "Answer B" }).locator(".md-body").textContent())!.trim();
  await page.keyboard.press("7");
  await expect(page.getByRole("radio", { name: /B is much better/ })).toHaveAttribute("aria-checked", "true");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("no-tasks")).toBeVisible();

  const items = (await reviewQueue(admin, projectId)).filter((i) => i.labeler.email === labeler.email) as unknown as {
    kind: string;
    responses: { text: string }[];
    label: { choice: string; strength: number };
  }[];
  expect(items).toHaveLength(1);
  expect(items[0].kind).toBe("pairwise");
  // Stored choices refer to the import order, whatever order this labeler saw: the answer shown as B won.
  const winner = items[0].label.choice === "A" ? items[0].responses[0] : items[0].responses[1];
  expect(winner.text).toBe(shownB);
  expect(items[0].label.strength).toBe(3);
});

test("admin imports a file with bad lines in the browser and sees each line's error", async ({ page, playwright, baseURL }) => {
  const admin = await apiAs(playwright, baseURL, E2E_ADMIN);
  const projectId = await newProject(admin, { taskKinds: ["DEMONSTRATION", "RANKING"] });
  await loginViaApi(page.request, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto(`/projects/${projectId}`);
  await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Import" }).click();

  await page.getByLabel("File (JSONL or CSV)").setInputFiles(path.join(fixtures, "bad-lines.jsonl"));
  await page.getByLabel(/All or nothing/).check();
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const result = page.getByTestId("import-result");
  await expect(result).toContainText("Nothing was imported");
  await expect(page.getByTestId("import-imported")).toHaveText("0");
  // Every bad line is listed with its number and what is wrong with it.
  await expect(page.getByTestId("rejected-line-2")).toContainText(/json/i);
  await expect(page.getByTestId("rejected-line-3")).toContainText(/text/i);
  await expect(page.getByTestId("rejected-line-4")).toContainText(/empty/i);
  await expect(page.getByTestId("rejected-line-12")).toBeVisible();
  const rejected = Number(await page.getByTestId("import-rejected").textContent());
  expect(rejected).toBeGreaterThanOrEqual(5);

  // Importing the good lines keeps them and still lists the bad ones.
  await page.getByLabel(/Import the good lines/).check();
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(result).toContainText("Import finished");
  expect(Number(await page.getByTestId("import-imported").textContent())).toBeGreaterThan(0);
  await expect(page.getByTestId("rejected-line-2")).toBeVisible();
  expect(Number(await page.getByTestId("import-rejected").textContent())).toBe(rejected);
});

test("reviewer rejects a label and it disappears from the next snapshot", async ({ page, playwright, baseURL }) => {
  const admin = await apiAs(playwright, baseURL, E2E_ADMIN);
  const labeler = await newUser(admin, "LABELER");
  const reviewer = await newUser(admin, "REVIEWER");
  const projectId = await newProject(admin, { taskKinds: ["RANKING"] });
  await addMember(admin, projectId, labeler.email);
  await addMember(admin, projectId, reviewer.email, "REVIEWER");
  const tag = randomUUID().slice(0, 8);
  await importLines(admin, projectId, [
    { prompt: `Keep me (${tag})`, responses: ["good one", "bad one"] },
    { prompt: `Reject me (${tag})`, responses: ["first answer", "second answer"] },
  ]);
  const lab = await apiAs(playwright, baseURL, labeler);
  await rankViaApi(lab, projectId, (rs) => rs.map((r) => [r.id]));
  await rankViaApi(lab, projectId, (rs) => rs.map((r) => [r.id]));

  const before = await snapshotExport(admin, projectId, "before review", "preference");
  expect(before.map((r) => r.prompt).sort()).toEqual([`Keep me (${tag})`, `Reject me (${tag})`]);

  await signIn(page, reviewer);
  await page.goto(`/projects/${projectId}`);
  await expect(page.getByRole("navigation", { name: "Project" }).getByRole("link")).toHaveText(["Overview", "Label", "Quality", "Review", "Snapshots", "Runs", "Models", "Compare", "Playground"]);
  await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Review" }).click();
  const item = page.getByTestId("review-item").filter({ hasText: `Reject me (${tag})` });
  await expect(item).toBeVisible();
  // The ranking is shown as ordered groups.
  await expect(item.getByTestId("ranking-view-group")).toHaveCount(2);
  await item.getByLabel("Comment for the labeler").fill("The second answer is better.");
  await item.getByRole("button", { name: "Reject" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Reject label" }).click();
  await expect(item).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: "rejected" })).toBeVisible();

  const after = await snapshotExport(admin, projectId, "after review", "preference");
  expect(after.map((r) => r.prompt)).toEqual([`Keep me (${tag})`]);
});

test("admin creates a project, imports the sample files, freezes a snapshot and downloads TRL-ready JSONL", async ({ page, playwright, baseURL }) => {
  await loginViaApi(page.request, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto("/projects");
  const name = `Sample ${randomUUID().slice(0, 8)}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Guidelines (markdown)").fill("Rank **helpful** answers first.");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  const projectId = page.url().split("/projects/")[1].split(/[/?#]/)[0];

  await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Import" }).click();
  for (const file of ["prompts.jsonl", "rankings.jsonl", "prompts.csv"]) {
    await page.getByLabel("File (JSONL or CSV)").setInputFiles(path.join(fixtures, file));
    await page.getByLabel(/Import the good lines/).check();
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await expect(page.getByTestId("import-result")).toContainText(`Result for ${file}`);
    await expect(page.getByTestId("import-result")).toContainText("Import finished");
  }

  // One ranking, so the preference export has rows.
  const admin = await apiAs(playwright, baseURL, E2E_ADMIN);
  const ranked = await rankViaApi(admin, projectId, (rs) => rs.map((r) => [r.id]));
  // It may be a gold item this order fails (held for review); accept it so it enters the snapshot.
  const accepted = await admin.post(`/api/v1/labels/ranking/${ranked.labelId}/review`, { data: { decision: "accept" } });
  expect(accepted.status(), await accepted.text()).toBe(200);

  await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Snapshots" }).click();
  await page.getByLabel("Snapshot name").fill("round-1");
  await page.getByRole("button", { name: "Freeze snapshot" }).click();
  await expect(page.getByText(/Snapshot “round-1” frozen/)).toBeVisible();
  const row = page.getByTestId("snapshot-round-1");
  await expect(row).toBeVisible();

  const [prefDownload] = await Promise.all([page.waitForEvent("download"), row.getByRole("link", { name: /Download Preferences JSONL/ }).click()]);
  const prefRows = (await readFile((await prefDownload.path())!, "utf8")).split("\n").filter(Boolean).map((l) => JSON.parse(l));
  expect(prefRows.length).toBe((ranked.responses.length * (ranked.responses.length - 1)) / 2);
  for (const r of prefRows) {
    expect(typeof r.prompt).toBe("string");
    expect(typeof r.chosen).toBe("string");
    expect(typeof r.rejected).toBe("string");
    expect(r).not.toHaveProperty("margin");
  }

  const [promptDownload] = await Promise.all([page.waitForEvent("download"), row.getByRole("link", { name: /Download Prompts JSONL/ }).click()]);
  const promptRows = (await readFile((await promptDownload.path())!, "utf8")).split("\n").filter(Boolean).map((l) => JSON.parse(l));
  expect(promptRows.length).toBeGreaterThan(10);
  expect(Object.keys(promptRows[0])).toContain("prompt");
});
