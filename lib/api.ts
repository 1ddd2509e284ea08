import "server-only";
import { z, ZodError, type ZodType } from "zod";
import type { Role } from "@/lib/db";
import { assertRole, getRequestUser, type TSessionUser } from "@/lib/auth";
import { AppError, isAppError } from "@/lib/errors";
import { findUnstorableJson } from "@/lib/server/input/find-unstorable-json";

// Every route handler goes through one wrapper that authenticates, authorises, validates the body and
// maps errors to HTTP statuses:
//   export const POST = withUser(async ({ user, params, body }) => ..., { role: "ADMIN", body: ZCreateX });
// Before anything is read it also refuses cross-site writes made with the session cookie (checkSameOrigin)
// and bodies over the route's size limit (413 from Content-Length, or while counting a streamed body).

type RouteContext = { params: Promise<Record<string, string | string[]>> };

export type THandlerArgs<TBody> = {
  req: Request;
  user: TSessionUser;
  params: Record<string, string>;
  body: TBody;
  searchParams: URLSearchParams;
};

type Options<TBody> = {
  /** Least global role needed (ADMIN > REVIEWER > LABELER); project scope is checked by the handler. */
  role?: Role;
  /** zod schema of the JSON body; invalid bodies get 422 with every issue listed. */
  body?: ZodType<TBody>;
  /** Success status when the handler returns data rather than a Response. */
  status?: number;
  /** Largest request body accepted, in bytes (default BODY_MAX_BYTES); a function is read per request. */
  maxBodyBytes?: number | (() => number);
  /** Body types a cookie-authenticated browser may send (default: JSON only). Bearer calls are not checked. */
  contentTypes?: string[];
};

/** Default request body limit of a route: 1 MiB. */
export const BODY_MAX_BYTES = 1024 * 1024;

// Next streams every route handler's body, so its gzip middleware never learns the length and compresses
// even a 200-byte answer: a fresh zlib stream per response, and gunzip on the caller's side, cost more CPU
// than the bytes saved (measured on the labeling hot path: 15-25% of the server's CPU per request, plus
// ~0.2 ms in the caller). Bodies under the middleware's own threshold (1 KB) say `no-transform`, which it
// honours; larger ones are still compressed. API answers are per caller: never stored in caches.
const COMPRESS_MIN_BYTES = 1024;

/** A JSON API response: `no-store`, and uncompressed when it is small. */
export function jsonResponse(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const body = JSON.stringify(data);
  const small = Buffer.byteLength(body) < COMPRESS_MIN_BYTES;
  return new Response(body, {
    status,
    headers: { "content-type": "application/json", "cache-control": small ? "no-store, no-transform" : "no-store", ...headers },
  });
}

export function errorResponse(err: unknown): Response {
  if (isAppError(err)) {
    // A refused body is not read on: close the connection rather than drain the rest of it.
    const headers: Record<string, string> = err.code === "PAYLOAD_TOO_LARGE" ? { connection: "close" } : {};
    return jsonResponse({ error: err.message, code: err.code, details: err.details, ...(err.issues ? { issues: err.issues } : {}) }, err.status, headers);
  }
  if (err instanceof ZodError) {
    return jsonResponse({ error: "Invalid input", code: "INVALID_INPUT", issues: formatIssues(err) }, 422);
  }
  console.error("[api] unexpected error", err);
  return jsonResponse({ error: "Internal error", code: "INTERNAL" }, 500);
}

export function formatIssues(err: ZodError): { path: string; message: string }[] {
  return err.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message }));
}

// ---------------------------------------------------------------------------------------------
// Cross-site request forgery
// ---------------------------------------------------------------------------------------------

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** host[:port] of this app as the caller reached it, and as NEXTAUTH_URL names it. */
function ownHosts(req: Request): Set<string> {
  const hosts = new Set<string>();
  const add = (h: string | null | undefined) => h && hosts.add(h.split(",")[0].trim().toLowerCase());
  add(req.headers.get("host"));
  add(req.headers.get("x-forwarded-host"));
  add(new URL(req.url).host);
  try {
    if (process.env.NEXTAUTH_URL) add(new URL(process.env.NEXTAUTH_URL).host);
  } catch {
    // An invalid NEXTAUTH_URL is reported by lib/env.ts.
  }
  return hosts;
}

/**
 * A state-changing request authenticated by the browser's session cookie must come from this app's own
 * pages: its Origin (or, without one, Sec-Fetch-Site) must say so, and a body must be one of the route's
 * types (JSON by default), which a cross-site HTML form cannot send. Browsers send Origin on every
 * cross-origin POST, PUT, PATCH and DELETE; a request with neither header comes from a program that holds
 * the cookie itself, and is held to the content-type rule only. Bearer-token calls are not checked: a
 * browser never adds that header on its own.
 */
export function checkSameOrigin(req: Request, contentTypes: string[] = ["application/json"]): void {
  if (SAFE_METHODS.has(req.method.toUpperCase()) || req.headers.has("authorization") || !req.headers.has("cookie")) return;
  const origin = req.headers.get("origin");
  const site = req.headers.get("sec-fetch-site");
  if (origin !== null) {
    let host: string | null = null;
    try {
      host = origin === "null" ? null : new URL(origin).host.toLowerCase();
    } catch {
      host = null;
    }
    if (!host || !ownHosts(req).has(host)) {
      throw AppError.forbidden(`Cross-site request refused: Origin ${origin} is not this app (send writes from the app's own pages, or use an API token)`);
    }
  } else if (site !== null && site !== "same-origin" && site !== "none") {
    throw AppError.forbidden(`Cross-site request refused: Sec-Fetch-Site is ${site} (send writes from the app's own pages, or use an API token)`);
  }
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type && !contentTypes.includes(type)) {
    throw AppError.forbidden(`Content-Type ${type} refused for a signed-in browser request: send ${contentTypes.join(" or ")}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Request bodies
// ---------------------------------------------------------------------------------------------

function tooLarge(maxBytes: number): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `The request body is larger than this route's limit of ${maxBytes} bytes`, { limit: maxBytes });
}

/** Refuses a declared Content-Length over the limit before a byte of the body is read. */
export function checkContentLength(req: Request, maxBytes: number): void {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
}

/**
 * The body as text, read as it streams and cancelled at `maxBytes` (a chunked body has no
 * Content-Length to check first). Invalid UTF-8 is refused, not replaced.
 */
export async function readBodyText(req: Request, maxBytes: number): Promise<string> {
  checkContentLength(req, maxBytes);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError("BAD_REQUEST", "Body is not valid UTF-8");
  }
}

/** Refuses text PostgreSQL cannot store (NUL) or JSON nested too deep, naming where it is (422). */
export function assertStorableJson(value: unknown): void {
  const found = findUnstorableJson(value);
  if (found) throw new AppError("INVALID_INPUT", `${found.path}: ${found.message}`, undefined, [found]);
}

/** A JSON body read within `maxBytes` and checked as withUser checks it (for routes outside withUser). */
export async function readJsonBody(req: Request, maxBytes = BODY_MAX_BYTES): Promise<unknown> {
  const text = await readBodyText(req, maxBytes);
  if (!text.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new AppError("BAD_REQUEST", `Body is not valid JSON: ${(e as Error).message}`);
  }
  assertStorableJson(value);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Path parameters
// ---------------------------------------------------------------------------------------------

async function resolveParams(ctx?: RouteContext): Promise<Record<string, string>> {
  let raw: Record<string, string | string[]>;
  try {
    raw = (await ctx?.params) ?? {};
  } catch {
    // Next rejects the params of a path it cannot percent-decode (e.g. /projects/%ff%fe).
    throw new AppError("BAD_REQUEST", "The URL path is not valid percent-encoded UTF-8");
  }
  const params = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
  for (const [name, value] of Object.entries(params)) {
    // Never valid in an id or a name here, and PostgreSQL cannot compare text holding NUL.
    if (/[\u0000-\u001f\u007f\ufffd]/.test(value)) throw new AppError("BAD_REQUEST", `Path parameter ${name} holds characters no id has`);
  }
  return params;
}

export function withUser<TBody = undefined>(
  handler: (args: THandlerArgs<TBody>) => Promise<unknown>,
  options: Options<TBody> = {},
) {
  return async (req: Request, ctx?: RouteContext): Promise<Response> => {
    try {
      const maxBytes = typeof options.maxBodyBytes === "function" ? options.maxBodyBytes() : (options.maxBodyBytes ?? BODY_MAX_BYTES);
      checkContentLength(req, maxBytes);
      checkSameOrigin(req, options.contentTypes);
      const user = await getRequestUser(req);
      assertRole(user, options.role);
      const params = await resolveParams(ctx);
      let body = undefined as TBody;
      if (options.body) body = options.body.parse(await readJsonBody(req, maxBytes));
      const result = await handler({ req, user, params, body, searchParams: new URL(req.url).searchParams });
      if (result instanceof Response) return result;
      if (result === undefined) return new Response(null, { status: 204 });
      return jsonResponse(result, options.status ?? 200);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** Route id parameters: a cuid-like string. */
export const ZId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "must be an id");
