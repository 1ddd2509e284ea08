// `npm test`: unit and integration tests (vitest, against a real embedded PostgreSQL), then browser
// tests (Playwright in Chromium against the real product). Ends with one summary line.
//   npm test -- --unit-only | --e2e-only      run one half
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "./runtime.ts";

const args = process.argv.slice(2);
const reportDir = path.join(ROOT, ".test-data", "reports");
fs.mkdirSync(reportDir, { recursive: true });

type Counts = { passed: number; failed: number; skipped: number };
const total: Counts = { passed: 0, failed: 0, skipped: 0 };
let failedSuites: string[] = [];

function run(name: string, command: string, commandArgs: string[], env: Record<string, string> = {}) {
  console.log(`\n=== ${name} ===`);
  const res = spawnSync(command, commandArgs, { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...env } });
  if (res.status !== 0) failedSuites.push(`${name} (exit ${res.status ?? res.signal})`);
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

const bin = (n: string) => path.join(ROOT, "node_modules", ".bin", n);

if (!args.includes("--e2e-only")) {
  const out = path.join(reportDir, "vitest.json");
  fs.rmSync(out, { force: true });
  run("unit and integration tests (vitest)", bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`]);
  const r = readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number }>(out);
  if (r) {
    total.passed += r.numPassedTests;
    total.failed += r.numFailedTests;
    total.skipped += r.numPendingTests + r.numTodoTests;
  }
}

if (!args.includes("--unit-only")) {
  const out = path.join(reportDir, "playwright.json");
  fs.rmSync(out, { force: true });
  run("browser tests (Playwright, Chromium)", bin("playwright"), ["test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
  const r = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(out);
  if (r) {
    total.passed += r.stats.expected + r.stats.flaky;
    total.failed += r.stats.unexpected;
    total.skipped += r.stats.skipped;
  }
}

if (failedSuites.length && total.failed === 0) total.failed = failedSuites.length; // a suite that crashed before counting
console.log(failedSuites.length ? `\nFailed: ${failedSuites.join(", ")}` : "");
console.log(`Tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
// A failed test fails the run even if its runner's exit code said otherwise.
process.exit(failedSuites.length || total.failed ? 1 : 0);
