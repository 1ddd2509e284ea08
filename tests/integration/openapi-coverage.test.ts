import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "@/lib/openapi";

// Every HTTP method exported by an `app/**/route.ts` file is in the OpenAPI document (lib/openapi.ts), and
// the document lists nothing that has no handler. A new route gets its entry there: one line in `ops`.

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Not part of the /api/v1 contract: NextAuth's own endpoints, the public health probe, the document itself. */
const UNDOCUMENTED = new Set(["GET /api/auth/{nextauth}", "POST /api/auth/{nextauth}", "GET /api/health", "GET /api/v1/openapi.json"]);

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(full);
    return e.name === "route.ts" ? [full] : [];
  });
}

/** app/api/v1/labels/[kind]/[id]/review/route.ts -> /api/v1/labels/{kind}/{id}/review (route groups dropped). */
function urlPath(file: string): string {
  const rel = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep);
  return "/" + rel.filter((s) => !/^\(.*\)$/.test(s)).map((s) => s.replace(/^\[(?:\.\.\.)?(.+?)\]$/, "{$1}")).join("/");
}

/** The HTTP methods a route file exports: `export const GET =`, `export async function GET(`, `export { h as GET }`. */
function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const m of METHODS) {
    if (new RegExp(`export\\s+(const|let|var|async\\s+function|function)\\s+${m}\\b`).test(source)) found.add(m);
    for (const block of source.matchAll(/export\s*\{([^}]*)\}/g)) {
      if (new RegExp(`(^|[\\s,])(\\w+\\s+as\\s+)?${m}\\s*(,|$)`).test(block[1])) found.add(m);
    }
  }
  return [...found];
}

describe("OpenAPI document", () => {
  const handlers = routeFiles(path.join(ROOT, "app")).flatMap((file) => exportedMethods(fs.readFileSync(file, "utf8")).map((m) => `${m} ${urlPath(file)}`));
  const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
  const documented = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));

  it("finds the route handlers (sanity: the scan sees the known ones)", () => {
    expect(handlers).toContain("POST /api/v1/labels/{kind}/{id}/review");
    expect(handlers).toContain("GET /api/auth/{nextauth}");
    expect(handlers).toContain("PUT /api/v1/tasks/{id}/draft");
    expect(handlers.length).toBeGreaterThan(40);
  });

  it("documents every route handler's method (auth, health and the document itself excepted)", () => {
    const missing = handlers.filter((h) => !UNDOCUMENTED.has(h) && !documented.includes(h));
    expect(missing, `add these to lib/openapi.ts`).toEqual([]);
  });

  it("documents no method that has no handler", () => {
    const stale = documented.filter((d) => !handlers.includes(d));
    expect(stale, `remove these from lib/openapi.ts, or add their route.ts`).toEqual([]);
  });

  it("each documented path parameter is declared, and bodies document 413 and 422", () => {
    for (const [p, methods] of Object.entries(doc.paths)) {
      const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(methods) as { parameters: { name: string; in: string }[]; requestBody?: unknown; responses: Record<string, unknown> }[]) {
        expect(op.parameters.filter((x) => x.in === "path").map((x) => x.name)).toEqual(names);
        if (op.requestBody) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["413", "422"]));
      }
    }
  });
});
