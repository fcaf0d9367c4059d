import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Pool } from "pg";
import { quoteSchema } from "../db/identifiers";
import { kitError } from "../errors";
import { parseIdempotencyKey, requestFingerprint } from "./fingerprint";

/** Default window during which a key is remembered: 24 hours. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * Default lease of an in-flight key: after it, a retry with the same payload may take over. A
 * holder that is still working renews it every `leaseMs / 3` (heartbeat), so the lease can be
 * short: the claim of a crashed holder expires within seconds, not after the longest request.
 */
export const IDEMPOTENCY_LEASE_MS = 5 * 1000;
/** Attempts to release a key after a 5xx (each on a fresh pool checkout). */
const RELEASE_ATTEMPTS = 3;

export interface IdempotencyOptions {
  readonly pool: Pool;
  readonly schema: string;
  readonly ttlMs?: number;
  readonly leaseMs?: number;
  /** Renew the lease this often while the handler runs. Default `leaseMs / 3`; 0 disables. */
  readonly heartbeatMs?: number;
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
/**
 * The claim of a key, in one round trip: a new key, an expired key, or the abandoned (lease
 * expired) claim of the same request. Parameters: scope, key, fingerprint, lease seconds, TTL
 * seconds, claim token. Exported for the bench's raw baseline, which must run the same SQL.
 */
export function claimKeySql(table: string): string {
  return `INSERT INTO ${table} AS k (scope, key, fingerprint, locked_until, expires_at, claim_token)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4), now() + make_interval(secs => $5), $6)
         ON CONFLICT (scope, key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, locked_until = EXCLUDED.locked_until,
               expires_at = EXCLUDED.expires_at, created_at = now(),
               status_code = NULL, response_body = NULL, content_type = NULL,
               claim_token = EXCLUDED.claim_token
         WHERE k.expires_at < now()
            OR (k.status_code IS NULL AND k.locked_until < now() AND k.fingerprint = EXCLUDED.fingerprint)`;
}

export const idempotencyPlugin = fp<IdempotencyOptions>(
  async (app, opts) => {
    const table = `${quoteSchema(opts.schema)}.idempotency_keys`;
    const ttlSeconds = (opts.ttlMs ?? IDEMPOTENCY_KEY_TTL_MS) / 1000;
    const leaseMs = opts.leaseMs ?? IDEMPOTENCY_LEASE_MS;
    const leaseSeconds = leaseMs / 1000;
    const heartbeatMs = opts.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 3));
    const heartbeats = new WeakMap<FastifyRequest, NodeJS.Timeout>();
    const claimSql = claimKeySql(table);

    const stopHeartbeat = (req: FastifyRequest) => {
      const timer = heartbeats.get(req);
      if (timer !== undefined) clearInterval(timer);
      heartbeats.delete(req);
    };
    const startHeartbeat = (req: FastifyRequest, scope: string, key: string, token: string) => {
      if (heartbeatMs <= 0) return;
      let renewing = false;
      const timer = setInterval(() => {
        if (renewing) return;
        renewing = true;
        opts.pool
          .query(
            `UPDATE ${table} SET locked_until = now() + make_interval(secs => $4)
             WHERE scope = $1 AND key = $2 AND claim_token = $3 AND status_code IS NULL`,
            [scope, key, token, leaseSeconds],
          )
          .then((r) => {
            // Taken over or finished: nothing of ours left to renew.
            if (r.rowCount === 0) stopHeartbeat(req);
          })
          .catch((err: unknown) => req.log.warn({ err }, "idempotency lease renewal failed"))
          .finally(() => (renewing = false));
      }, heartbeatMs);
      timer.unref();
      heartbeats.set(req, timer);
    };

    /**
     * Deletes our claim so the client's retry can run at once. Each attempt is a fresh checkout
     * from the pool (pg-pool discards a client that failed), never the request's transaction
     * connection, which may be the one that broke. If all attempts fail, the short lease frees
     * the key within seconds anyway.
     */
    const release = async (
      req: FastifyRequest,
      owned: { scope: string; key: string; token: string },
    ) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await opts.pool.query(
            `DELETE FROM ${table} WHERE scope = $1 AND key = $2 AND claim_token = $3`,
            [owned.scope, owned.key, owned.token],
          );
          return;
        } catch (err) {
          if (attempt >= RELEASE_ATTEMPTS) {
            req.log.warn({ err }, "idempotency key release failed; its lease frees it");
            return;
          }
          await new Promise((r) => setTimeout(r, 50 * attempt));
        }
      }
    };

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
      const claimed = await opts.pool.query(claimSql, [
        scope,
        key,
        fingerprint,
        leaseSeconds,
        ttlSeconds,
        token,
      ]);
      if (claimed.rowCount === 1) {
        req.idempotencyKey = { scope, key, token };
        startHeartbeat(req, scope, key, token);
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
      stopHeartbeat(req);
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
        await release(req, owned);
      }
      return payload;
    };

    app.addHook("onRoute", (route) => {
      if (route.config?.idempotency !== true) return;
      // The route's own preHandlers (admission checks, authorization) run first: a request they
      // refuse never claims the key.
      route.preHandler = [...toArray(route.preHandler), claim];
      route.onSend = [...toArray(route.onSend), store];
      const stop = async (req: FastifyRequest) => stopHeartbeat(req);
      route.onResponse = [...toArray(route.onResponse), stop];
      route.onRequestAbort = [...toArray(route.onRequestAbort), stop];
    });
  },
  { name: "causeway-idempotency", fastify: "5.x" },
);

function toArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
