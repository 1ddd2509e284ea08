import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../lib/embedded-postgres.ts";
import { planRestart, RESTART_POLICY } from "../../scripts/restart-policy.ts";

// `npm start` supervises the product: a crashed worker or web process is restarted (the reason logged)
// while the rest keeps running, /api/health shows the worker down meanwhile, and Ctrl+C / SIGTERM still
// stops everything, PostgreSQL included. The product runs as `npm run dev` does (no production build to
// wait for), on its own port, data directory and Next build folder.

const ROOT = path.resolve(import.meta.dirname, "../..");
type THealth = { status: string; database: { status: string }; worker: { status: string; workers: { id: string }[] } };

let product: ChildProcess;
let output = "";
let baseUrl = "";
let dataDir = "";
let exited: Promise<number | null>;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function health(): Promise<THealth | null> {
  try {
    const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(10_000) });
    return (await res.json()) as THealth;
  } catch {
    return null;
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    if (product.exitCode !== null || product.signalCode !== null) throw new Error(`the product exited while waiting for ${what}:\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}:\n${output.slice(-3000)}`);
}

const workerPid = (h: THealth) => Number(h.worker.workers[0].id.split(":").at(-1));
const webPid = () => Number([...output.matchAll(/web started \(pid (\d+)\)/g)].at(-1)?.[1]);
const postgresPid = () => Number(fs.readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);

describe("restart policy", () => {
  it("restarts after a delay that doubles with each crash, and gives up after the limit within the window", () => {
    let crashes: number[] = [];
    const delays: number[] = [];
    for (let i = 0; i < RESTART_POLICY.limit; i++) {
      const plan = planRestart(crashes, 1_000_000 + i * 1_000);
      expect(plan.restart).toBe(true);
      if (plan.restart) delays.push(plan.delayMs);
      crashes = plan.crashes;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(planRestart(crashes, 1_010_000).restart).toBe(false);
    // Crashes older than the window are forgotten: a process that ran a while starts over at 1 s.
    expect(planRestart(crashes, 1_000_000 + RESTART_POLICY.windowMs + 10_000)).toMatchObject({ restart: true, delayMs: 1_000 });
    // The delay never exceeds the maximum (the 7th crash would wait 64 s).
    expect(planRestart([1_000, 2_000, 3_000, 4_000, 5_000, 6_000], 7_000, { ...RESTART_POLICY, limit: 10 })).toMatchObject({ delayMs: 30_000 });
  });
});

describe("npm start keeps the product up", () => {
  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-supervisor-"));
    // The product's own embedded PostgreSQL, not the tests' one.
    const { DATABASE_URL: _testDb, ...inherited } = process.env;
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      NODE_ENV: "development",
      PORT: String(port),
      RLHF_DATA_DIR: dataDir,
      NEXT_DIST_DIR: ".next-supervisor-test",
      NEXTAUTH_URL: baseUrl,
    };
    product = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/start.ts", "--dev"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    product.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    product.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    exited = new Promise((resolve) => product.once("exit", (code) => resolve(code)));
    await waitFor("the web app and the worker", async () => (await health())?.worker.status === "ok", 280_000);
  }, 300_000);

  afterAll(async () => {
    if (product && product.exitCode === null && product.signalCode === null) {
      product.kill("SIGTERM");
      await exited;
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("keeps files with database passwords private to their owner", () => {
    for (const file of ["runtime.json", "postgres-credentials.json"]) {
      expect(fs.statSync(path.join(dataDir, file)).mode & 0o777, file).toBe(0o600);
    }
  });

  it("a worker killed with SIGKILL is restarted while the web app keeps serving, and health shows it down meanwhile", async () => {
    const before = (await health())!;
    const killed = workerPid(before);
    process.kill(killed, "SIGKILL");
    const down = await waitFor("health to show the worker down", async () => {
      const h = await health();
      return h?.worker.status === "down" && h.database.status === "ok" && h;
    }, 15_000);
    expect(down.worker.workers).toEqual([]);
    expect(output).toMatch(/worker stopped unexpectedly \(SIGKILL\); restarting in \d/);
    const up = await waitFor("a new worker", async () => {
      const h = await health();
      return h?.worker.status === "ok" && h.status === "ok" && h;
    }, 120_000);
    expect(workerPid(up)).not.toBe(killed);
    expect(alive(killed)).toBe(false);
  }, 180_000);

  it("a web process killed with SIGKILL is restarted; PostgreSQL and the worker keep running", async () => {
    const before = (await health())!;
    const pgPid = postgresPid();
    const killed = webPid();
    expect(killed).toBeGreaterThan(0);
    process.kill(killed, "SIGKILL");
    await waitFor("the web app to stop answering", async () => (await health()) === null, 15_000);
    expect(alive(pgPid)).toBe(true);
    const after = await waitFor("the web app to answer again", async () => {
      const h = await health();
      return h?.status === "ok" && h;
    }, 180_000);
    expect(output).toMatch(/web stopped unexpectedly \(SIGKILL\); restarting in \d/);
    expect(webPid()).not.toBe(killed);
    expect(postgresPid()).toBe(pgPid);
    expect(workerPid(after)).toBe(workerPid(before));
  }, 240_000);

  it("SIGTERM stops the web app, the worker and PostgreSQL", async () => {
    const h = (await health())!;
    const pids = { web: webPid(), worker: workerPid(h), postgres: postgresPid() };
    product.kill("SIGTERM");
    expect(await exited).toBe(0);
    for (const [name, pid] of Object.entries(pids)) expect(alive(pid), `${name} (pid ${pid})`).toBe(false);
    // In order: the worker stopped before PostgreSQL did (none of its connections cut), then the lock went.
    const stopping = output.slice(output.lastIndexOf("[rlhf] Stopping"));
    expect(stopping).toMatch(/\[worker\].*stopping/);
    expect(stopping).not.toMatch(/terminating connection due to administrator command/);
    expect(stopping).toMatch(/\[rlhf\] Stopped\./);
    expect(fs.existsSync(path.join(dataDir, "rlhf.lock"))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, "runtime.json"))).toBe(false);
  }, 60_000);
});
