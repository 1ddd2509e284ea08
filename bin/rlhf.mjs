#!/usr/bin/env node
// `npx rlhf ...`: the admin and training CLI. The sources are TypeScript; run them through tsx with the
// react-server condition (so server-only modules load outside Next.js).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const tsxLoader = require.resolve("tsx");
const result = spawnSync(
  process.execPath,
  ["--conditions=react-server", "--import", tsxLoader, path.join(root, "scripts", "cli.ts"), ...process.argv.slice(2)],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
