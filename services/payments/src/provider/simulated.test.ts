import { describe, expect, it } from "vitest";
import { ProviderError } from "./provider";
import { SimulatedProvider } from "./simulated";

const req = (key: string, amountCents = 1000) => ({
  idempotencyKey: key,
  reference: key,
  customerId: "cus_1",
  amountCents,
  currency: "EUR",
});

async function outcome(p: SimulatedProvider, key: string) {
  try {
    return await p.charge(req(key));
  } catch (err) {
    return (err as ProviderError).kind;
  }
}

describe("SimulatedProvider", () => {
  it("honours idempotency keys: same key, same result, charged once", async () => {
    const p = new SimulatedProvider();
    const first = await p.charge(req("order-1"));
    expect(first.status).toBe("succeeded");
    expect(await p.charge(req("order-1"))).toEqual(first);
    expect(await p.charge(req("order-2"))).not.toEqual(first);
    expect(p.stats).toEqual({
      calls: 3,
      created: { succeeded: 2, declined: 0 },
      replays: 1,
      failures: 0,
      lostResponses: 0,
    });
  });

  it("rejects a key reused with another amount (not retryable)", async () => {
    const p = new SimulatedProvider();
    await p.charge(req("order-1", 1000));
    const err = await p.charge(req("order-1", 2000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: "rejected", retryable: false });
  });

  it("charged but response lost: the retry with the same key returns the original charge", async () => {
    const always = new SimulatedProvider({ lostResponseRate: 1 });
    const err = await always.charge(req("order-1")).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "response_lost", retryable: true });
    expect((await always.chargeFor("order-1"))?.status).toBe("succeeded"); // the money moved

    // Half the responses lost (seeded): six calls with one key, one charge, five replays.
    const half = new SimulatedProvider({ lostResponseRate: 0.5, seed: 7 });
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await outcome(half, "order-9");
      answers.push(typeof r === "string" ? r : r.chargeId);
    }
    expect(answers).toContain("response_lost");
    expect(new Set(answers.filter((a) => a.startsWith("ch_")))).toEqual(
      new Set([(await half.chargeFor("order-9"))!.chargeId]),
    );
    expect(half.stats.created.succeeded).toBe(1);
    expect(half.stats.replays).toBe(5);
  });

  it("fails before charging at the failure rate: nothing is charged", async () => {
    const p = new SimulatedProvider({ failureRate: 1 });
    await expect(p.charge(req("order-1"))).rejects.toMatchObject({ kind: "unavailable" });
    expect(await p.chargeFor("order-1")).toBeUndefined();
    expect(p.stats.created).toEqual({ succeeded: 0, declined: 0 });
  });

  it("is deterministic for a seed, whatever the interleaving of keys", async () => {
    const keys = Array.from({ length: 200 }, (_, i) => `order-${i}`);
    const opts = { seed: 42, failureRate: 0.2, declineRate: 0.15, lostResponseRate: 0.15 };
    const run = async (order: string[]) => {
      const p = new SimulatedProvider(opts);
      const out = new Map<string, string[]>();
      for (let round = 0; round < 3; round++) {
        for (const k of order) {
          const r = await outcome(p, k);
          out.set(k, [...(out.get(k) ?? []), typeof r === "string" ? r : r.status]);
        }
      }
      return { out: Object.fromEntries([...out].sort()), stats: p.stats };
    };
    const forward = await run(keys);
    const backward = await run([...keys].reverse());
    expect(backward).toEqual(forward);
    // The rates are roughly honoured over 600 calls.
    expect(forward.stats.failures).toBeGreaterThan(80);
    expect(forward.stats.failures).toBeLessThan(160);
    expect(forward.stats.created.declined).toBeGreaterThan(10);
    expect(forward.stats.lostResponses).toBeGreaterThan(40);
  });

  it("waits up to latencyMs per call", async () => {
    const waits: number[] = [];
    const p = new SimulatedProvider({
      latencyMs: 100,
      sleep: async (ms) => void waits.push(ms),
    });
    for (let i = 0; i < 20; i++) await p.charge(req(`o-${i}`));
    expect(waits).toHaveLength(20);
    expect(waits.every((w) => w >= 0 && w <= 100)).toBe(true);
    expect(new Set(waits).size).toBeGreaterThan(5);
  });

  it("refuses rates outside [0, 1]", () => {
    expect(() => new SimulatedProvider({ failureRate: 1.5 })).toThrow(
      "failureRate must be within [0, 1], got 1.5",
    );
  });
});
