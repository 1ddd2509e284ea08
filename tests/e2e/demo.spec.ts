import { spawn } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { loginAsAdmin } from "./helpers";
import { E2E_DATA_DIR } from "../../playwright.config";

// The reduced demo in CI: simulated labelers with a hidden preference label through the API, the worker
// trains pretrain -> SFT, then RM -> PPO and DPO, and the PPO policy must beat SFT under the hidden
// oracle while the reward model agrees with the oracle better than chance.
test("the demo's simulated labelers teach the policy a hidden preference", async ({ page, baseURL }) => {
  test.setTimeout(20 * 60_000);
  await loginAsAdmin(page);
  const res = await page.request.post("/api/v1/tokens", { data: { name: "demo e2e" } });
  expect(res.ok(), await res.text()).toBe(true);
  const { token } = (await res.json()) as { token: string };

  const root = process.cwd(); // the repository (Playwright runs there)
  const args = ["--conditions=react-server", "scripts/demo.ts", "--reduced", "--json", "--url", baseURL!, "--token", token, "--artifacts", path.join(root, E2E_DATA_DIR, "artifacts")];
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(path.join(root, "node_modules/.bin/tsx"), args, { cwd: root, env: process.env });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("exit", (c) => resolve({ code: c, stdout, stderr }));
  });
  expect(stdout, stderr.slice(-4000)).toContain("{");
  const report = JSON.parse(stdout.slice(stdout.indexOf("{")));
  const ppo = report.measurements.models.find((m: { name: string }) => m.name === "ppo");
  console.log(`demo: PPO win rate vs SFT ${ppo.winVsSft}, RM accuracy ${report.measurements.rm.accuracy}, KL ${ppo.kl}`);
  expect(ppo.winVsSft).toBeGreaterThan(0.5);
  expect(report.measurements.rm.accuracy).toBeGreaterThan(0.5);
  expect(code).toBe(0);

  // The project stays in the app with its runs and model versions.
  const models = await page.request.get(`/api/v1/projects/${report.projectId}/models`);
  expect(models.ok()).toBe(true);
  await page.goto(`/projects/${report.projectId}`);
  await expect(page.getByText(/Demo: hidden preference/).first()).toBeVisible();
});
