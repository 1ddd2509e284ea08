// A small client of the public HTTP API (Authorization: Bearer <token>), as people's own scripts use it.
// The demo's admin and each simulated labeler hold one with their own token.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: string,
  ) {
    super(`${method} ${path} -> ${status}: ${body.slice(0, 500)}`);
  }
}

export class DemoApi {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown, options: { contentType?: string; allow204?: boolean } = {}): Promise<T | null> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    let payload: string | undefined;
    if (body !== undefined) {
      headers["content-type"] = options.contentType ?? "application/json";
      payload = typeof body === "string" ? body : JSON.stringify(body);
    }
    const res = await fetch(new URL(path, this.baseUrl), { method, headers, body: payload });
    if (res.status === 204 && options.allow204) return null;
    const text = await res.text();
    if (!res.ok) throw new ApiError(res.status, method, path, text);
    return (text ? JSON.parse(text) : null) as T;
  }

  get<T>(path: string) {
    return this.request<T>("GET", path) as Promise<T>;
  }

  post<T>(path: string, body?: unknown) {
    return this.request<T>("POST", path, body ?? {}) as Promise<T>;
  }
}

/**
 * A personal API token for an email/password account, through the browser sign-in (NextAuth
 * credentials) and POST /api/v1/tokens: for a demo pointed at an instance whose database it cannot reach.
 */
export async function tokenByPassword(baseUrl: string, email: string, password: string, name: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrfRes = await fetch(new URL("/api/auth/csrf", baseUrl));
  keep(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const login = await fetch(new URL("/api/auth/callback/credentials", baseUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }).toString(),
  });
  keep(login);
  const res = await fetch(new URL("/api/v1/tokens", baseUrl), { method: "POST", headers: { "content-type": "application/json", cookie: cookie() }, body: JSON.stringify({ name }) });
  const text = await res.text();
  if (!res.ok) throw new ApiError(res.status, "POST", "/api/v1/tokens", text);
  const body = JSON.parse(text) as { token?: string };
  if (!body.token) throw new Error(`POST /api/v1/tokens returned no token: ${text.slice(0, 200)}`);
  return body.token;
}
