import { expect, test } from "@playwright/test";
import { loginAsAdmin } from "./helpers";

// The launch form shows each chosen stage's hyperparameters from its schema (default as placeholder, help
// with range and source); a value out of range comes back as the API's 422 naming the key and the stage.

test.setTimeout(120_000);

test("admin sets a stage's hyperparameter in the launch form and sees a bad value named", async ({ page }) => {
  await loginAsAdmin(page);
  const project = await (await page.request.post("/api/v1/projects", { data: { name: `hyper-${Date.now()}`, responsesPerTask: 2 } })).json();
  await page.goto(`/projects/${project.id}/runs`);
  await page.getByText("ppo hyperparameters").click();
  const klCoef = page.getByLabel("ppo klCoef", { exact: true });
  await expect(klCoef).toHaveAttribute("placeholder", "0.05");
  await expect(page.getByText(/KL penalty coefficient beta\. Default 0\.05; range \[0, 10\]/)).toBeVisible();
  await klCoef.fill("11");
  await page.getByRole("button", { name: "Launch round" }).click();
  await expect(page.getByText("config.ppo.klCoef: must be at most 10 (stage ppo)")).toBeVisible();
  await klCoef.fill("0.1");
  await page.getByRole("button", { name: "Launch round" }).click();
  await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/, { timeout: 30_000 });
  const runId = page.url().split("/").pop();
  const run = await (await page.request.get(`/api/v1/runs/${runId}`)).json();
  expect(run.config).toMatchObject({ maxSteps: 20, ppo: { klCoef: 0.1 } });
});
