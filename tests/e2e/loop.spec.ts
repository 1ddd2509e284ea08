import { expect, test, type Browser } from "@playwright/test";
import { createUser, loginAsAdmin, loginViaApi, labelSayTasks } from "./helpers";

// The whole loop of the "done when": a project labeled through the API, a round SFT -> RM -> PPO
// launched from the UI (pretraining first: the project has no base version), the PPO version's curves and
// samples, a reviewer's blind vote, approval and promotion, "Write ranking tasks from this version", and a
// labeler who then ranks answers the promoted policy wrote without seeing which model wrote them.

test.setTimeout(540_000);

async function signedIn(browser: Browser, user: { email: string; password: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginViaApi(page.request, user.email, user.password);
  return page;
}

test("admin runs a round, a reviewer votes, the promoted policy writes ranking tasks a labeler gets", async ({ page, browser }) => {
  await loginAsAdmin(page);
  const api = page.request;
  const project = await (await api.post("/api/v1/projects", { data: { name: `loop-${Date.now()}`, responsesPerTask: 2 } })).json();
  const words = ["red", "blue", "green", "cat", "dog", "sun", "moon", "tree"];
  const fresh = ["sea", "sky", "hat"]; // prompts without answers: the policy's candidates will answer them
  const jsonl = [
    ...words.map((w) => JSON.stringify({ prompt: `Say ${w}`, responses: [`${w} ${w}`, "no"] })),
    ...fresh.map((w) => JSON.stringify({ prompt: `Say ${w}` })),
  ].join("\n");
  const imp = await api.post(`/api/v1/projects/${project.id}/import?mode=partial&format=jsonl`, { data: jsonl, headers: { "content-type": "application/x-ndjson" } });
  expect(imp.status(), await imp.text()).toBeLessThan(300);
  // Label through the labeling API: demonstrations and rankings.
  await labelSayTasks(api, project.id, words.length + fresh.length);
  expect((await api.get(`/api/v1/projects/${project.id}/tasks/next?kind=ranking`)).status()).toBe(204);
  const reviewer = await createUser(page, "REVIEWER");
  const labeler = await createUser(page, "LABELER");
  expect((await api.post(`/api/v1/projects/${project.id}/members`, { data: { userId: reviewer.id, role: "REVIEWER" } })).status()).toBe(201);
  expect((await api.post(`/api/v1/projects/${project.id}/members`, { data: { userId: labeler.id, role: "LABELER" } })).status()).toBe(201);

  // A round from the UI: no base version yet, so pretrain -> SFT -> RM -> PPO (the form's default).
  await page.goto(`/projects/${project.id}/runs`);
  for (const s of ["pretrain", "sft", "rm", "ppo"]) await expect(page.getByLabel(s, { exact: true })).toBeChecked();
  await page.getByLabel("Overrides (JSON)").fill(JSON.stringify({ maxSteps: 6, batchSize: 4, maxLength: 32, evalInterval: 0, ppo: { maxNewTokens: 6, batchSize: 2, maxSteps: 2 } }));
  await page.getByRole("button", { name: "Launch round" }).click();
  await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/, { timeout: 30_000 });
  await expect(page.getByTestId("run-status")).toHaveText("SUCCEEDED", { timeout: 300_000 });
  await expect(page.getByTestId("run-log")).toContainText("Run finished.");

  // The PPO version: curves and sample answers.
  await page.getByTestId("stage-ppo").getByRole("link", { name: "version" }).click();
  await expect(page).toHaveURL(/\/models\/[a-z0-9]+$/);
  const policyUrl = page.url();
  const policyId = policyUrl.split("/").pop()!;
  await expect(page.getByTestId("version-status")).toHaveText("DRAFT");
  await expect(page.getByRole("img", { name: /over steps$/ }).first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("No samples.")).toHaveCount(0);

  // The playground: a two-turn chat with the policy, the answer streamed into the page.
  await page.getByRole("link", { name: "Try it in the playground" }).click();
  await page.getByLabel("Top-k (0 = off)").fill("20");
  await page.getByLabel("Message").fill("Say red");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("chat").locator('[data-role="assistant"]')).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByTestId("streaming")).toHaveCount(0, { timeout: 60_000 });
  await page.getByLabel("Message").fill("Say blue");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("chat").locator('[data-role="assistant"]')).toHaveCount(2, { timeout: 60_000 });
  await expect(page.getByTestId("streaming")).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId("chat").locator('[data-role="user"]')).toHaveCount(2);

  // A blind comparison SFT vs PPO, started by the admin on the compare page; the reviewer votes.
  const models = (await (await api.get(`/api/v1/projects/${project.id}/models`)).json()) as { id: string; kind: string }[];
  const sft = models.find((m) => m.kind === "SFT")!;
  await page.goto(`/projects/${project.id}/compare`);
  await page.getByLabel("Version A").selectOption(sft.id);
  await page.getByLabel("Version B").selectOption(policyId);
  await page.getByRole("button", { name: "Start a blind A/B comparison" }).click();
  const voteLink = page.getByRole("link", { name: "Vote" }).first();
  await expect(voteLink).toBeVisible();
  const voteUrl = (await voteLink.getAttribute("href"))!;
  const rev = await signedIn(browser, reviewer);
  await expect(async () => {
    await rev.goto(voteUrl);
    await expect(rev.getByRole("button", { name: "Right is better (2)" })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 120_000 });
  await expect(rev.getByTestId("answer-left")).toBeVisible();
  await expect(rev.locator("body")).not.toContainText(policyId);
  // Wait for the vote to be stored before reading the leaderboard (the click only sends it).
  const voted = rev.waitForResponse((r) => /\/api\/v1\/comparison-items\/[^/]+\/vote$/.test(r.url()) && r.request().method() === "POST");
  await rev.getByRole("button", { name: "Right is better (2)" }).click();
  expect((await voted).status()).toBeLessThan(300);
  const votes = async () => {
    const board = await (await rev.request.get(`/api/v1/projects/${project.id}/leaderboard`)).json();
    return board.items.reduce((n: number, r: { wins: number; losses: number; ties: number }) => n + r.wins + r.losses + r.ties, 0);
  };
  await expect.poll(votes, { timeout: 10_000 }).toBeGreaterThan(0);

  // The admin approves and promotes the policy, then closes the loop.
  await page.goto(policyUrl);
  await page.getByLabel("Review comment").fill("Won the blind vote; samples look sane.");
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("version-status")).toHaveText("APPROVED");
  await page.getByRole("button", { name: "Promote to production" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Promote" }).click();
  await expect(page.getByTestId("version-status")).toHaveText("PRODUCTION");
  await page.getByRole("button", { name: "Write ranking tasks from this version" }).click();
  await expect(page.getByTestId("candidates-result")).toContainText(`${fresh.length} ranking tasks created`, { timeout: 120_000 });
  await expect(page.getByRole("link", { name: "Go to labeling" })).toHaveAttribute("href", `/projects/${project.id}/label`);

  // The labeler's next ranking task: one of the fresh prompts (only the policy's candidates gave them
  // ranking tasks), answers present, the model never named.
  const lab = await signedIn(browser, labeler);
  const next = await lab.request.get(`/api/v1/projects/${project.id}/tasks/next?kind=ranking`);
  expect(next.status()).toBe(200);
  const task = await next.json();
  expect(fresh.map((w) => `Say ${w}`)).toContain(task.prompt);
  expect(task.responses).toHaveLength(2);
  expect(task.responses.every((r: { id: string; text: string }) => r.id && typeof r.text === "string")).toBe(true);
  const raw = JSON.stringify(task);
  for (const hidden of [policyId, sft.id, "modelVersion"]) expect(raw).not.toContain(hidden);
  await lab.goto(`/projects/${project.id}/label`);
  await expect(lab.locator("body")).not.toContainText(policyId);
});
