import { expect, test } from "@playwright/test";
import { createUser, labelSayTasks, loginAsAdmin, loginViaApi } from "./helpers";

// What an admin does around the labeling: chooses and changes project settings (told first what a
// change does to open tasks), uses the app on a phone, promotes only after confirming, and runs blind
// comparisons on chosen prompts.

test("admin creates a pairwise project that needs review through the form, then changing K warns about open tasks", async ({ page }) => {
  await loginAsAdmin(page);
  await page.goto("/projects");
  const name = `Pairs ${Date.now()}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Guidelines (markdown)").fill("Pick the **kinder** answer.");
  await page.getByLabel("Demonstration").uncheck();
  await page.getByLabel("Pairwise").check();
  await page.getByLabel("Labels per item").fill("2");
  await page.getByLabel("Lease minutes").fill("20");
  await page.getByLabel("Labels need review before training").check();
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByText("ranking, pairwise · 4 answers per ranking · 2 labels per item · labels need review before training")).toBeVisible();
  const projectId = page.url().split("/projects/")[1].split(/[/?#]/)[0];
  const created = await (await page.request.get(`/api/v1/projects/${projectId}`)).json();
  expect(created).toMatchObject({ taskKinds: ["RANKING", "PAIRWISE"], labelsPerItem: 2, leaseMinutes: 20, reviewRequired: true, guidelines: "Pick the **kinder** answer." });

  // Two prompts with answers: open ranking and pairwise tasks.
  const jsonl = ["sky", "sea"].map((w) => JSON.stringify({ prompt: `Describe the ${w}`, responses: [`The ${w} is blue.`, "No.", `A ${w}.`] })).join("\n");
  const imp = await page.request.post(`/api/v1/projects/${projectId}/import?mode=partial&format=jsonl`, { data: jsonl, headers: { "content-type": "application/x-ndjson" } });
  expect(imp.status(), await imp.text()).toBeLessThan(300);

  await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.getByLabel("Labels need review before training")).toBeChecked();
  await page.getByLabel("Answers per ranking, K (2-9)").fill("3");
  await page.getByRole("button", { name: "Save settings" }).click();
  const dialog = page.getByRole("alertdialog", { name: "Save these settings?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("settings-impact")).toContainText(/Answers per ranking 4 → 3: \d+ open tasks? \(ranking\/pairwise\) keep the answers they have/);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  expect((await (await page.request.get(`/api/v1/projects/${projectId}`)).json()).responsesPerTask).toBe(4);

  // Removing pairwise says its open tasks close; saving applies both changes.
  await page.getByLabel("Pairwise").uncheck();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(dialog.getByTestId("settings-impact")).toContainText(/Removing pairwise closes its \d+ open tasks?/);
  await dialog.getByRole("button", { name: "Save anyway" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  const saved = await (await page.request.get(`/api/v1/projects/${projectId}`)).json();
  expect(saved).toMatchObject({ responsesPerTask: 3, taskKinds: ["RANKING"] });
  expect((await page.request.get(`/api/v1/projects/${projectId}/tasks/next?kind=pairwise`)).status()).toBe(204);
});

test("at phone width the menu shows the account name, toggles dark mode and signs out", async ({ page, browser, baseURL }) => {
  await loginAsAdmin(page);
  const user = await createUser(page, "LABELER");
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL });
  await loginViaApi(phone.request, user.email, user.password);
  const p = await phone.newPage();
  await p.goto("/");
  await expect(p.getByTestId("whoami")).toBeHidden();
  await p.getByRole("button", { name: "Menu" }).click();
  await expect(p.getByTestId("whoami")).toBeVisible();
  await expect(p.getByTestId("whoami")).toContainText(user.email);
  await expect(p.locator("html")).not.toHaveClass(/dark/);
  await p.getByRole("button", { name: "Toggle dark mode" }).click();
  await expect(p.locator("html")).toHaveClass(/dark/);
  await expect(p.getByRole("button", { name: "Toggle dark mode" })).toHaveAttribute("aria-pressed", "true");
  await p.getByRole("button", { name: "Sign out" }).click();
  await expect(p).toHaveURL(/\/login/);
  await phone.close();
});

test.describe("with a trained policy", () => {
  test.setTimeout(300_000);

  test("promote asks first: cancel does nothing, confirm promotes; a blind comparison on chosen prompts says when it cannot decide", async ({ page }) => {
    await loginAsAdmin(page);
    const api = page.request;
    const project = await (await api.post("/api/v1/projects", { data: { name: `promote-${Date.now()}`, responsesPerTask: 2 } })).json();
    const words = ["red", "blue", "green", "cat", "dog", "sun", "moon", "tree"];
    const lines = [...words.map((w) => ({ prompt: `Say ${w}`, responses: [`${w} ${w}`, "no"] })), { prompt: "Say <b>hi</b>" }];
    const imp = await api.post(`/api/v1/projects/${project.id}/import?mode=partial&format=jsonl`, { data: lines.map((l) => JSON.stringify(l)).join("\n"), headers: { "content-type": "application/x-ndjson" } });
    expect(imp.status(), await imp.text()).toBeLessThan(300);
    await labelSayTasks(api, project.id, lines.length);
    const run = await api.post(`/api/v1/projects/${project.id}/runs`, { data: { stages: ["pretrain", "sft", "dpo"], freezeLabels: true, config: { maxSteps: 3, batchSize: 4, maxLength: 32, evalInterval: 0 } } });
    expect(run.status(), await run.text()).toBe(201);
    const runId = (await run.json()).id;
    await expect.poll(async () => (await (await api.get(`/api/v1/runs/${runId}`)).json()).status, { timeout: 240_000, intervals: [2_000] }).toBe("SUCCEEDED");
    const models = (await (await api.get(`/api/v1/projects/${project.id}/models`)).json()) as { id: string; kind: string; status: string }[];
    const policy = models.find((m) => m.kind === "POLICY")!;
    expect((await api.post(`/api/v1/models/${policy.id}/review`, { data: { decision: "approve", comment: "fine" } })).status()).toBeLessThan(300);

    await page.goto(`/projects/${project.id}/models/${policy.id}`);
    await expect(page.getByTestId("version-status")).toHaveText("APPROVED");
    await page.getByRole("button", { name: "Promote to production" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Promote this version to production?" });
    await expect(confirm).toBeVisible();
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId("version-status")).toHaveText("APPROVED");
    await page.getByRole("button", { name: "Promote to production" }).click();
    await confirm.getByRole("button", { name: "Promote" }).click();
    await expect(page.getByTestId("version-status")).toHaveText("PRODUCTION");

    // A blind comparison on one chosen prompt (raw HTML in it shown as text); one vote cannot decide.
    const sft = models.find((m) => m.kind === "SFT")!;
    await page.goto(`/projects/${project.id}/compare`);
    const form = page.getByRole("form", { name: "New blind comparison" });
    await form.getByLabel("First version (hidden from voters)").selectOption(sft.id);
    await form.getByLabel("Second version (hidden from voters)").selectOption(policy.id);
    await form.getByLabel("Prompts", { exact: true }).selectOption("list");
    await form.getByLabel("Prompt texts (one per line, as imported)").fill("Say <b>hi</b>");
    await form.getByRole("button", { name: "Start blind comparison" }).click();
    await expect(form.getByText("Blind comparison started on 1 prompt")).toBeVisible();
    const voteUrl = (await form.getByRole("link", { name: "Vote" }).getAttribute("href"))!;
    await expect(async () => {
      await page.goto(voteUrl);
      await expect(page.getByRole("button", { name: "Left is better (1)" })).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 120_000 });
    await expect(page.getByTestId("blind-prompt")).toContainText("Say <b>hi</b>");
    const voted = page.waitForResponse((r) => /\/api\/v1\/comparison-items\/[^/]+\/vote$/.test(r.url()) && r.request().method() === "POST");
    await page.getByRole("button", { name: "Left is better (1)" }).click();
    expect((await voted).status()).toBeLessThan(300);
    await page.goto(`/projects/${project.id}/compare`);
    await expect(page.getByTestId("undecided").first()).toContainText("not enough votes to decide");
    await expect(page.getByTestId("undecided").first()).toContainText("21% – 100%");
  });
});
