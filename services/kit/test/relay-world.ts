import type { Pool } from "pg";
import { afterAll, beforeAll } from "vitest";
import type { OutboxRelay } from "../src/outbox";
import type { Fixture } from "./fixture";
import { createFixture } from "./fixture";
import { count } from "./helpers";
import { missingServers } from "./servers";

/** What a relay test file sets up once: a fixture, and the pools and relays it stops after. */
export interface RelayWorld {
  /** Undefined when the servers are missing (the tests skip). */
  readonly fixture: () => Fixture | undefined;
  readonly pools: Pool[];
  readonly relays: OutboxRelay[];
}

/** Registers the file's beforeAll/afterAll: a fresh fixture, and every relay and pool stopped. */
export function relayWorld(): RelayWorld {
  let f: Fixture | undefined;
  const world: RelayWorld = { fixture: () => f, pools: [], relays: [] };
  beforeAll(async () => {
    if ((await missingServers()).length === 0) f = await createFixture();
  });
  afterAll(async () => {
    for (const r of world.relays) await r.stop();
    for (const p of world.pools) await p.end();
    await f?.cleanup();
  });
  return world;
}

/** Outbox rows not yet marked sent. */
export function unsent(fx: Fixture): Promise<number> {
  return count(fx.pool, `SELECT count(*) FROM "${fx.schema}".outbox WHERE sent_at IS NULL`);
}
