/**
 * The one catalogue of coded errors. Every error a Causeway service returns over HTTP has a
 * stable `code` from this table and the HTTP status it maps to. Services extend it with
 * `defineErrors` so that their codes live in one table too.
 */
export const KitErrors = {
  VALIDATION_FAILED: { status: 400, message: "The request is invalid." },
  IDEMPOTENCY_KEY_MISSING: {
    status: 400,
    message: "This endpoint requires an Idempotency-Key header.",
  },
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    message: "The Idempotency-Key header must be 1 to 255 visible ASCII characters.",
  },
  NOT_FOUND: { status: 404, message: "Route not found." },
  IDEMPOTENCY_KEY_IN_FLIGHT: {
    status: 409,
    message: "A request with this Idempotency-Key is still being processed.",
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: "The request body is too large." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "Unsupported content type." },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message: "This Idempotency-Key was already used with a different request payload.",
  },
  RATE_LIMITED: {
    status: 429,
    message: "Too many requests from this client; retry after the Retry-After delay.",
  },
  SHUTTING_DOWN: { status: 503, message: "The service is shutting down." },
  UPSTREAM_UNAVAILABLE: { status: 503, message: "An upstream dependency is unavailable." },
  DATABASE_UNAVAILABLE: {
    status: 503,
    message:
      "The database is briefly unavailable; retry after the Retry-After delay (with the same Idempotency-Key).",
  },
  UPSTREAM_TIMEOUT: { status: 504, message: "An upstream dependency timed out." },
  INTERNAL: { status: 500, message: "Internal server error." },
} as const satisfies ErrorCatalogue;

export interface ErrorSpec {
  readonly status: number;
  readonly message: string;
}
export type ErrorCatalogue = Record<string, ErrorSpec>;
export type KitErrorCode = keyof typeof KitErrors;

/** Seconds a client is asked to wait (Retry-After) before retrying a 503. */
export const RETRY_AFTER_SECONDS = 1;

/** An error with a code from a catalogue. The error handler of `buildApp` renders it. */
export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly details: unknown;

  constructor(code: string, spec: ErrorSpec, message?: string, details?: unknown) {
    super(message ?? spec.message);
    this.name = "AppError";
    this.code = code;
    this.statusCode = spec.status;
    this.details = details;
  }
}

/**
 * Binds a catalogue: `const fail = defineErrors({ ...KitErrors, ORDER_NOT_FOUND: {...} })`,
 * then `throw fail("ORDER_NOT_FOUND")`. Codes outside the catalogue do not typecheck.
 */
export function defineErrors<C extends ErrorCatalogue>(catalogue: C) {
  return (code: keyof C & string, message?: string, details?: unknown): AppError =>
    new AppError(code, catalogue[code]!, message, details);
}

/** Errors from the kit's own catalogue. */
export const kitError = defineErrors(KitErrors);

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: unknown };
}
