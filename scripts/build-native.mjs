#!/usr/bin/env node
// Builds the native tfjs `cpu` kernels (native/ -> native/build/Release/rlhf_kernels.node) with
// node-gyp, offline, against the Node headers on this machine. Matrix products use Debian's
// OpenBLAS when its headers are installed, our own GEMM (native/src/gemm.cc) otherwise; the last
// line says which.
//
// Never fails an install: when something is missing it prints one line saying what and exits 0;
// the worker then trains on tfjs's pure-JS kernels and logs the same reason at start-up.
//   --strict          exit 1 instead (CI, or to see that the fast path really is there)
//   RLHF_NATIVE=0     skip the build
//   RLHF_NATIVE_MARCH target CPU for -march (default: native, the machine that builds)
//   RLHF_NATIVE_OPENBLAS=0  build with our own GEMM even where OpenBLAS is installed
//   RLHF_NATIVE_BUILD_DIR   build a copy of native/ there (relative to the repository) instead,
//                     leaving native/build alone: CI builds the OpenBLAS-free addon this way
// The full compiler output goes to native/build/build.log.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sourceDir = path.join(root, "native");
const nativeDir = process.env.RLHF_NATIVE_BUILD_DIR ? path.resolve(root, process.env.RLHF_NATIVE_BUILD_DIR) : sourceDir;
const addonPath = path.join(nativeDir, "build", "Release", "rlhf_kernels.node");
const strict = process.argv.includes("--strict");
const require = createRequire(import.meta.url);

function finish(ok, line) {
  console.log(`[build:native] ${line}`);
  process.exit(ok || !strict ? 0 : 1);
}

function fallback(reason) {
  finish(false, `${reason}; the worker will use tfjs's pure-JS cpu kernels (slower)`);
}

if (process.env.RLHF_NATIVE === "0") finish(true, "skipped (RLHF_NATIVE=0)");
if (process.platform !== "linux") fallback(`not built: ${process.platform} is not supported (Linux only)`);

const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
if (!has("g++") || !has("make")) fallback("not built: g++ and make are needed (apt-get install -y g++ make)");
const cblas = ["/usr/include/cblas.h", "/usr/include/x86_64-linux-gnu/cblas.h", "/usr/include/aarch64-linux-gnu/cblas.h", "/usr/include/openblas/cblas.h"];
const openblas = process.env.RLHF_NATIVE_OPENBLAS !== "0" && cblas.some((f) => existsSync(f));

let gyp;
try {
  gyp = require.resolve("node-gyp/bin/node-gyp.js");
  require.resolve("node-addon-api");
} catch {
  fallback("not built: node-gyp or node-addon-api is not installed (npm install --include=dev)");
}

// Node's own headers (Debian's nodejs ships them in /usr/include/node): without them node-gyp
// would try to download them, which fails offline.
const args = [gyp, "rebuild", "-C", nativeDir];
const prefix = path.dirname(path.dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, "include", "node", "node_api.h"))) {
  args.push(`--nodedir=${prefix}`);
}

if (nativeDir !== sourceDir) {
  mkdirSync(nativeDir, { recursive: true });
  cpSync(path.join(sourceDir, "binding.gyp"), path.join(nativeDir, "binding.gyp"));
  cpSync(path.join(sourceDir, "src"), path.join(nativeDir, "src"), { recursive: true });
}

const started = Date.now();
const env = { ...process.env, RLHF_NATIVE_OPENBLAS: openblas ? "1" : "0" };
const run = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", env });
const log = `${run.stdout ?? ""}\n${run.stderr ?? ""}`;
mkdirSync(path.join(nativeDir, "build"), { recursive: true });
writeFileSync(path.join(nativeDir, "build", "build.log"), log);
if (run.status !== 0) {
  const firstError = log.split("\n").find((l) => /error|not found|cannot find/i.test(l) && !/gyp info/.test(l))?.trim();
  fallback(`build failed (${firstError ?? `node-gyp exited with ${run.status}`}; full log in native/build/build.log)`);
}

try {
  const addon = require(addonPath);
  const { blas, gemm, gemmKernel, gemmReason } = addon.info();
  const which = !openblas
    ? `GEMM: own, ${gemmKernel}; no OpenBLAS${process.env.RLHF_NATIVE_OPENBLAS === "0" ? " (RLHF_NATIVE_OPENBLAS=0)" : " headers (libopenblas-dev) found"}`
    : gemm === "openblas" ? `GEMM: OpenBLAS, ${blas}` : `GEMM: own, ${gemmKernel}, by default (${gemmReason}); OpenBLAS linked in: ${blas}`;
  finish(true, `built ${path.relative(root, addonPath)} in ${((Date.now() - started) / 1000).toFixed(1)} s (${which})`);
} catch (error) {
  fallback(`built but cannot be loaded (${String(error?.message ?? error).split("\n")[0]})`);
}
