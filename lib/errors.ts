// One error type for the whole app, with a code mapped to an HTTP status only at the edge (lib/api.ts).
export const AppErrorCode = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_INPUT: 422,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
} as const;
export type TAppErrorCode = keyof typeof AppErrorCode;
export type TIssue = { path: string; message: string };

export class AppError extends Error {
  readonly code: TAppErrorCode;
  /** Details for the caller, e.g. the list of invalid fields. */
  readonly details?: unknown;
  /** Invalid fields in the shape zod errors are reported in (`issues: [{path, message}]`). */
  readonly issues?: TIssue[];

  constructor(code: TAppErrorCode, message: string, details?: unknown, issues?: TIssue[]) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
    this.issues = issues;
  }

  get status(): number {
    return AppErrorCode[this.code];
  }

  static notFound(what: string) {
    return new AppError("NOT_FOUND", `${what} not found`);
  }
  static forbidden(message = "You may not do this") {
    return new AppError("FORBIDDEN", message);
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
