import { describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// The single-instance lock of `npm start`: a second start on the same data directory is refused with a
// clear message; a lock left by a process that died is taken over.
describe("start-up lock", async () => {
  process.env.RLHF_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-lock-"));
  const runtime = await import("../../scripts/runtime.ts");

  it("a second start while one runs says so instead of touching the data", () => {
    const release = runtime.acquireLock("npm start");
    expect(() => runtime.acquireLock("npm start")).toThrow(/already running .*pid \d+/);
    release();
    const again = runtime.acquireLock("npm start");
    again();
  });

  it("a stale lock from a dead process is taken over", () => {
    fs.writeFileSync(runtime.LOCK_FILE, JSON.stringify({ pid: 2 ** 22 + 12345, what: "npm start" }));
    const release = runtime.acquireLock("npm start");
    expect(JSON.parse(fs.readFileSync(runtime.LOCK_FILE, "utf8")).pid).toBe(process.pid);
    release();
    expect(fs.existsSync(runtime.LOCK_FILE)).toBe(false);
  });

  it("keeps one generated auth secret across starts", () => {
    delete process.env.NEXTAUTH_SECRET;
    const first = runtime.authSecret();
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(runtime.authSecret()).toBe(first);
  });
});
