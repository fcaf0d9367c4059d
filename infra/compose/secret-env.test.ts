import { describe, expect, it } from "vitest";
import { planFixture } from "../test/fixtures";
import { containerEnv, secretNames } from "../test/queries";

/**
 * secretEnv: a `secure:` value lands in the service's own Secret `<service>-env`, as a secret in
 * the plan; a reference to an existing Secret is used as is; both reach the container only
 * through secretKeyRef.
 */
describe("causeway:services.<name>.secretEnv in the program", () => {
  it("stores a secure value in <service>-env for that service only, and references both kinds", async () => {
    const p = await planFixture("dev", {
      "causeway:services": {
        payments: {
          secretEnv: {
            STRIPE_API_KEY: { secure: "v1:c3RyaXBlLWtleQ==" },
            WEBHOOK_SIGNING_SECRET: { secretName: "payments-webhook", key: "signing-secret" },
          },
        },
      },
    });
    expect(secretNames(p).filter((n) => n.endsWith("-env"))).toEqual(["causeway/payments-env"]);
    const secret = p
      .byType("kubernetes:core/v1:Secret")
      .find((s) => (s.inputs["metadata"] as { name: string }).name === "payments-env")!;
    expect(secret.inputs["stringData"]).toBe("[secret]");
    const env = containerEnv(p, "payments").filter((e) => e.name !== "DATABASE_URL" && e.valueFrom);
    expect(env.map((e) => [e.name, e.value, e.valueFrom?.secretKeyRef])).toEqual([
      ["AMQP_URL", undefined, expect.objectContaining({ name: "causeway-broker" })],
      [
        "STRIPE_API_KEY",
        undefined,
        expect.objectContaining({ name: "payments-env", key: "STRIPE_API_KEY" }),
      ],
      [
        "WEBHOOK_SIGNING_SECRET",
        undefined,
        expect.objectContaining({ name: "payments-webhook", key: "signing-secret" }),
      ],
    ]);
    expect(containerEnv(p, "orders").some((e) => e.name === "STRIPE_API_KEY")).toBe(false);
  });
});
