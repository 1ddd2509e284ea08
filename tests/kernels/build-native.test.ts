// scripts/build-native.mjs never fails an install: what is missing comes out as one line and exit 0
// (exit 1 only with --strict). Only the paths that stop before compiling are run here, so the
// addon the other tests load is never rebuilt underneath them.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const script = path.resolve(import.meta.dirname, "../../scripts/build-native.mjs");
const run = (env: Record<string, string>, args: string[] = []) =>
  spawnSync(process.execPath, [script, ...args], { encoding: "utf8", env: { ...env, HOME: process.env.HOME ?? "/tmp" } as unknown as NodeJS.ProcessEnv });

describe("scripts/build-native.mjs", () => {
  it("RLHF_NATIVE=0 skips the build and exits 0", () => {
    const r = run({ PATH: process.env.PATH ?? "", RLHF_NATIVE: "0" });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe("[build:native] skipped (RLHF_NATIVE=0)");
  });

  it("without a compiler it says so in one line, exits 0, and exits 1 under --strict", () => {
    const r = run({ PATH: "/nonexistent" });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/not built: g\+\+ and make are needed .*pure-JS cpu kernels/);
    expect(run({ PATH: "/nonexistent" }, ["--strict"]).status).toBe(1);
  });
});
