import { expect, test } from "@playwright/test";
import { loginAsAdmin, labelSayTasks } from "./helpers";

// An admin launches a round (pretrain -> SFT -> DPO) on a project labeled through the API, watches it
// finish, opens the new policy, compares two versions side by side, approves and promotes the policy.

test.setTimeout(300_000);

test("admin launches a round, watches it finish, compares versions and promotes the policy", async ({ page }) => {
  await loginAsAdmin(page);
  const api = page.request;
  const project = await (await api.post("/api/v1/projects", { data: { name: `train-${Date.now()}`, responsesPerTask: 2 } })).json();
  const words = ["red", "blue", "green", "cat", "dog", "sun", "moon", "tree"];
  const jsonl = words.map((w) => JSON.stringify({ prompt: `Say ${w}`, responses: [`${w} ${w}`, "no"] })).join("\n");
  const imp = await api.post(`/api/v1/projects/${project.id}/import?mode=partial&format=jsonl`, { data: jsonl, headers: { "content-type": "application/x-ndjson" } });
  expect(imp.status(), await imp.text()).toBeLessThan(300);
  // Label through the labeling API: a demonstration and a ranking per prompt.
  await labelSayTasks(api, project.id, words.length);

  await page.goto(`/projects/${project.id}/runs`);
  await page.getByLabel("rm", { exact: true }).uncheck();
  await page.getByLabel("ppo", { exact: true }).uncheck();
  await page.getByLabel("dpo", { exact: true }).check();
  await page.getByLabel("Overrides (JSON)").fill(JSON.stringify({ maxSteps: 4, batchSize: 4, maxLength: 32, evalInterval: 0 }));
  await page.getByRole("button", { name: "Launch round" }).click();
  await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/, { timeout: 30_000 });
  await expect(page.getByTestId("run-status")).toHaveText("SUCCEEDED", { timeout: 180_000 });
  await expect(page.getByTestId("run-log")).toContainText("Run finished.");
  await expect(page.getByTestId("stage-dpo")).toContainText("step 4 of 4");

  // The new policy: review and promote.
  await page.getByTestId("stage-dpo").getByRole("link", { name: "version" }).click();
  await expect(page.getByTestId("version-status")).toHaveText("DRAFT");
  await page.getByLabel("Review comment").fill("Samples look sane.");
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByTestId("version-status")).toHaveText("APPROVED");
  await page.getByRole("button", { name: "Promote to production" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Promote" }).click();
  await expect(page.getByTestId("version-status")).toHaveText("PRODUCTION");

  // Two versions side by side on the same prompts.
  await page.goto(`/projects/${project.id}/compare`);
  await page.getByLabel("Prompts (one per line)").fill("Say red\nSay cat");
  await page.getByRole("button", { name: "Compare side by side" }).click();
  await expect(page.getByTestId("side-by-side")).toContainText("Say cat", { timeout: 60_000 });

  const models = await (await api.get(`/api/v1/projects/${project.id}/models`)).json();
  expect(models.map((m: { kind: string }) => m.kind)).toEqual(["BASE", "SFT", "POLICY"]);
  expect(models.find((m: { kind: string }) => m.kind === "POLICY").status).toBe("PRODUCTION");
});
