import { spawn } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { loginAsAdmin } from "./helpers";
import { E2E_DATA_DIR } from "../../playwright.config";

// The reduced demo in CI: simulated labelers with a hidden preference label through the API, the worker
// trains pretrain -> SFT, then RM -> PPO and DPO, and the PPO policy must beat SFT under the hidden
// oracle while the reward model agrees with the oracle better than chance, for each of three seeds and
// on their mean (about 40 s a seed): since the candidate answers differ from prompt to prompt and the
// labels no longer depend on request order, reduced runs of seeds 1..9 measured PPO 61-88% and RM
// 70-95% per seed. Snapshots order their rows by content, so a seed gives the same figures run to run.
test("the demo's simulated labelers teach the policy a hidden preference", async ({ page, baseURL }) => {
  test.setTimeout(20 * 60_000);
  await loginAsAdmin(page);
  const res = await page.request.post("/api/v1/tokens", { data: { name: "demo e2e" } });
  expect(res.ok(), await res.text()).toBe(true);
  const { token } = (await res.json()) as { token: string };

  const root = process.cwd(); // the repository (Playwright runs there)
  const args = ["--conditions=react-server", "scripts/demo.ts", "--reduced", "--seed", "1..3", "--json", "--url", baseURL!, "--token", token, "--artifacts", path.join(root, E2E_DATA_DIR, "artifacts")];
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(path.join(root, "node_modules/.bin/tsx"), args, { cwd: root, env: process.env });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("exit", (c) => resolve({ code: c, stdout, stderr }));
  });
  expect(stdout, stderr.slice(-4000)).toContain("{");
  const { reports, summary } = JSON.parse(stdout.slice(stdout.indexOf("{"))) as {
    reports: { projectId: string; seed: number; measurements: { rm: { accuracy: number }; models: { name: string; winVsSft: number; kl: number }[] } }[];
    summary: { ppoWinVsSft: { mean: number }; rmAccuracy: { mean: number } };
  };
  for (const r of reports) {
    const ppo = r.measurements.models.find((m) => m.name === "ppo")!;
    console.log(`demo seed ${r.seed}: PPO win rate vs SFT ${ppo.winVsSft.toFixed(3)}, RM accuracy ${r.measurements.rm.accuracy.toFixed(3)}, KL ${ppo.kl.toFixed(2)}`);
  }
  expect(reports).toHaveLength(3);
  expect(summary.ppoWinVsSft.mean).toBeGreaterThan(0.5);
  expect(summary.rmAccuracy.mean).toBeGreaterThan(0.55);
  // Each seed on its own too (reduced seeds 1..9 measured PPO 61-88%, RM 70-95%).
  for (const r of reports) {
    expect(r.measurements.models.find((m) => m.name === "ppo")!.winVsSft, `seed ${r.seed}: PPO win rate vs SFT`).toBeGreaterThan(0.5);
    expect(r.measurements.rm.accuracy, `seed ${r.seed}: RM accuracy`).toBeGreaterThan(0.55);
  }
  expect([0, 1], "the demo ran to its report (exit 2 = error)").toContain(code);
  const report = reports[0];

  // The project stays in the app with its runs and model versions.
  const models = await page.request.get(`/api/v1/projects/${report.projectId}/models`);
  expect(models.ok()).toBe(true);
  await page.goto(`/projects/${report.projectId}`);
  await expect(page.getByText(/Demo: hidden preference/).first()).toBeVisible();
});
