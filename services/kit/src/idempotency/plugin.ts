import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Pool } from "pg";
import { quoteSchema } from "../db/identifiers";
import { kitError } from "../errors";
import { parseIdempotencyKey, requestFingerprint } from "./fingerprint";

/** Default window during which a key is remembered: 24 hours. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** Default lease of an in-flight key: after it, a retry with the same payload may take over. */
export const IDEMPOTENCY_LEASE_MS = 60 * 1000;

export interface IdempotencyOptions {
  readonly pool: Pool;
  readonly schema: string;
  readonly ttlMs?: number;
  readonly leaseMs?: number;
  /** Namespaces keys per client (e.g. the authenticated principal). Default: one namespace. */
  readonly scope?: (req: FastifyRequest) => string;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Opt a route in to Idempotency-Key handling (use it on POST routes). */
    idempotency?: boolean;
  }
  interface FastifyRequest {
    /** The key this request claimed; `token` identifies this claim among takeovers. */
    idempotencyKey?: { scope: string; key: string; token: string };
  }
}

interface StoredRow {
  fingerprint: string;
  status_code: number | null;
  response_body: string | null;
  content_type: string | null;
}

/**
 * Idempotency-Key for routes with `config: { idempotency: true }`, after
 * draft-ietf-httpapi-idempotency-key-header:
 *   - no key -> 400 IDEMPOTENCY_KEY_MISSING;
 *   - first use -> the key is claimed (in flight), the handler runs, and the status and body of
 *     any response below 500 are stored; a 5xx or a failure releases the key;
 *   - same key, same fingerprint, done -> the stored status and body are replayed
 *     (header `idempotent-replayed: true`);
 *   - same key, other fingerprint -> 422 IDEMPOTENCY_KEY_REUSED;
 *   - same key still in flight -> 409 IDEMPOTENCY_KEY_IN_FLIGHT;
 *   - keys expire `ttlMs` after first use (24 h by default) and may then be reused.
 * Registered with fastify-plugin, so it sees routes of the context it is registered in.
 */
export const idempotencyPlugin = fp<IdempotencyOptions>(
  async (app, opts) => {
    const table = `${quoteSchema(opts.schema)}.idempotency_keys`;
    const ttlSeconds = (opts.ttlMs ?? IDEMPOTENCY_KEY_TTL_MS) / 1000;
    const leaseSeconds = (opts.leaseMs ?? IDEMPOTENCY_LEASE_MS) / 1000;

    const claim = async (req: FastifyRequest, reply: FastifyReply) => {
      const header = req.headers["idempotency-key"];
      if (header === undefined) throw kitError("IDEMPOTENCY_KEY_MISSING");
      const key = parseIdempotencyKey(Array.isArray(header) ? header.join(",") : header);
      if (key === undefined) throw kitError("IDEMPOTENCY_KEY_INVALID");
      const scope = opts.scope?.(req) ?? "";
      const fingerprint = requestFingerprint(req.method, req.url, req.body);

      // One round-trip on the happy path: claim the key, or take over an expired key or the
      // abandoned (lease expired) claim of the same request.
      // The claim token lets only this claim store or release the key: a request that outlives
      // its lease must not overwrite the retry that took over.
      const token = randomUUID();
      const claimed = await opts.pool.query(
        `INSERT INTO ${table} AS k (scope, key, fingerprint, locked_until, expires_at, claim_token)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4), now() + make_interval(secs => $5), $6)
         ON CONFLICT (scope, key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, locked_until = EXCLUDED.locked_until,
               expires_at = EXCLUDED.expires_at, created_at = now(),
               status_code = NULL, response_body = NULL, content_type = NULL,
               claim_token = EXCLUDED.claim_token
         WHERE k.expires_at < now()
            OR (k.status_code IS NULL AND k.locked_until < now() AND k.fingerprint = EXCLUDED.fingerprint)`,
        [scope, key, fingerprint, leaseSeconds, ttlSeconds, token],
      );
      if (claimed.rowCount === 1) {
        req.idempotencyKey = { scope, key, token };
        return;
      }
      const { rows } = await opts.pool.query<StoredRow>(
        `SELECT fingerprint, status_code, response_body, content_type FROM ${table}
         WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
      const row = rows[0];
      if (!row) throw kitError("IDEMPOTENCY_KEY_IN_FLIGHT"); // released meanwhile; retry later
      if (row.fingerprint !== fingerprint) throw kitError("IDEMPOTENCY_KEY_REUSED");
      if (row.status_code === null) throw kitError("IDEMPOTENCY_KEY_IN_FLIGHT");
      reply.code(row.status_code).header("idempotent-replayed", "true");
      if (row.content_type) reply.header("content-type", row.content_type);
      return reply.send(row.response_body ?? "");
    };

    const store = async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const owned = req.idempotencyKey;
      if (!owned) return payload;
      req.idempotencyKey = undefined;
      const body =
        typeof payload === "string"
          ? payload
          : Buffer.isBuffer(payload)
            ? payload.toString()
            : undefined;
      if (reply.statusCode < 500 && body !== undefined) {
        const contentType = reply.getHeader("content-type");
        await opts.pool.query(
          `UPDATE ${table} SET status_code = $3, response_body = $4, content_type = $5,
             locked_until = NULL WHERE scope = $1 AND key = $2 AND claim_token = $6`,
          [
            owned.scope,
            owned.key,
            reply.statusCode,
            body,
            contentType === undefined ? null : String(contentType),
            owned.token,
          ],
        );
      } else {
        await opts.pool.query(
          `DELETE FROM ${table} WHERE scope = $1 AND key = $2 AND claim_token = $3`,
          [owned.scope, owned.key, owned.token],
        );
      }
      return payload;
    };

    app.addHook("onRoute", (route) => {
      if (route.config?.idempotency !== true) return;
      route.preHandler = [claim, ...toArray(route.preHandler)];
      route.onSend = [...toArray(route.onSend), store];
    });
  },
  { name: "causeway-idempotency", fastify: "5.x" },
);

function toArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
