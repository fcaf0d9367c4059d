import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseDockerfile, SERVICE_GID, SERVICE_UID } from "@causeway/components";
import { Client } from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { ServiceProcess } from "./support";
import {
  TEST_AMQP_URL,
  TEST_DATABASE_URL,
  http,
  repoRoot,
  skipWithoutServers,
  spawnService,
  stopAllServices,
  uniqueName,
  deleteBrokerTopology,
} from "./support";

const dockerfile = readFileSync(join(repoRoot, "services/Dockerfile"), "utf8");
const SERVICES = ["gateway", "orders", "payments"] as const;

describe("services/Dockerfile (parsed)", () => {
  const { globalArgs, stages } = parseDockerfile(dockerfile);
  const stage = (name: string) => stages.find((s) => s.name === name)!;
  const runs = (name: string) =>
    stage(name)
      .instructions.filter((i) => i.keyword === "RUN")
      .map((i) => i.args);
  const final = stages.at(-1)!;

  it("is multi-stage on Node 24 slim, pinned to an exact version (or digest)", () => {
    expect(stages.map((s) => s.name)).toEqual(["manifests", "build", "prod-deps", "runtime"]);
    expect(stages.every((s) => s.from === "${NODE_IMAGE}")).toBe(true);
    const base = globalArgs.find((a) => a.args.startsWith("NODE_IMAGE="))!.args.split("=")[1]!;
    expect(base).toMatch(/^node:24\.\d+\.\d+-(bookworm|trixie)-slim(@sha256:[0-9a-f]{64})?$/);
    // The same Node major as the repository's toolchain.
    expect(base.split(":")[1]!.split(".")[0]).toBe(process.versions.node.split(".")[0]);
  });

  it("installs from the workspace lockfile with npm ci, production dependencies only at the end", () => {
    expect(runs("build").some((r) => /npm ci --workspace "@causeway\/\$\{SERVICE\}"/.test(r))).toBe(
      true,
    );
    expect(runs("build").some((r) => r.startsWith('npm run build -w "@causeway/${SERVICE}"'))).toBe(
      true,
    );
    expect(runs("prod-deps")).toEqual([
      expect.stringMatching(/^npm ci --omit=dev --workspace "@causeway\/\$\{SERVICE\}" /),
    ]);
    // The manifests stage takes every package.json and the lockfile, with their folders.
    expect(
      stage("manifests")
        .instructions.filter((i) => i.keyword === "COPY")
        .map((i) => i.args),
    ).toEqual(["--parents package.json package-lock.json **/package.json ./"]);
    // The runtime gets node_modules only from the production install.
    const copies = final.instructions.filter((i) => i.keyword === "COPY").map((i) => i.args);
    expect(copies.filter((c) => c.includes("node_modules"))).toEqual([
      "--from=prod-deps /app/node_modules/ ./node_modules/",
    ]);
    expect(copies.every((c) => c.startsWith("--from="))).toBe(true);
  });

  it("runs as the non-root UID:GID of the pod's securityContext, SIGTERM straight to node", () => {
    const users = final.instructions.filter((i) => i.keyword === "USER").map((i) => i.args);
    expect(users).toEqual([`${SERVICE_UID}:${SERVICE_GID}`]);
    const cmd = final.instructions.filter((i) => i.keyword === "CMD");
    expect(cmd).toHaveLength(1);
    // Exec form (JSON array): node is PID 1, no shell in between to swallow the signal.
    expect(JSON.parse(cmd[0]!.args)).toEqual(["node", "/app/service/dist/main.js"]);
    expect(final.instructions.some((i) => i.keyword === "ENTRYPOINT")).toBe(false);
    expect(final.instructions.filter((i) => i.keyword === "ARG").map((i) => i.args)).toContain(
      "SERVICE",
    );
    expect(runs("runtime")).toEqual(['ln -s "/app/services/${SERVICE}" /app/service']);
  });
});

describe("services/Dockerfile trusts the RDS certificate authorities", () => {
  it("adds AWS's global RDS bundle, readable by the service user, as Node's extra CAs", () => {
    // DATABASE_URL uses sslmode=verify-full (infra/components/database/connection.ts).
    const final = parseDockerfile(dockerfile).stages.at(-1)!;
    const bundle = "/etc/ssl/certs/rds-global-bundle.pem";
    expect(final.instructions.filter((i) => i.keyword === "ADD").map((i) => i.args)).toEqual([
      `--chmod=0644 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem ${bundle}`,
    ]);
    expect(final.instructions.filter((i) => i.keyword === "ENV").map((i) => i.args)).toContain(
      `NODE_EXTRA_CA_CERTS=${bundle}`,
    );
  });
});

describe("the image's build and start commands, run as plain commands", () => {
  const run = uniqueName("img");
  const exchange = `causeway.events.${run}`;
  const procs: ServiceProcess[] = [];
  const schemas = [`orders_${run}`, `payments_${run}`];
  const queues = [
    `orders.${run}.payment-succeeded`,
    `orders.${run}.payment-failed`,
    `payments.${run}.order-placed`,
  ].flatMap((q) => [
    q,
    `${q}.dlq`,
    ...Array.from({ length: 19 }, (_, i) => i + 1).map((i) => `${q}.retry.${i}`),
  ]);
  let tmp: string | undefined;

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop(10_000).catch(() => undefined)));
    await stopAllServices();
    const pg = new Client({ connectionString: TEST_DATABASE_URL });
    if (
      await pg.connect().then(
        () => true,
        () => false,
      )
    ) {
      for (const s of schemas.flatMap((x) => [x, `${x}_provider`]))
        await pg.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch(() => undefined);
      await pg.end();
    }
    await deleteBrokerTopology(queues, exchange);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }, 60_000);

  it("npm run build -w @causeway/<svc>, then node services/<svc>/dist/main.js with writes denied outside /tmp: ready, SIGTERM, exit 0", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` };
    for (const svc of SERVICES) {
      const built = spawnSync("npm", ["run", "build", "-w", `@causeway/${svc}`], {
        cwd: repoRoot,
        env,
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(built.status, `${svc} build: ${built.stdout}\n${built.stderr}`).toBe(0);
    }
    tmp = await mkdtemp(join(tmpdir(), "causeway-img-"));
    // The image runs `node <dist>/main.js` as UID 10001 on a read-only root filesystem with
    // /tmp writable. Node's permission model stands in for that here: any write outside tmp
    // throws ERR_ACCESS_DENIED. Without the causeway-source condition, packages resolve to dist.
    const start = (svc: string) => ({
      command: process.execPath,
      args: [
        "--permission",
        "--allow-fs-read=*",
        `--allow-fs-write=${tmp}`,
        join(repoRoot, `services/${svc}/dist/main.js`),
      ],
    });
    const common = {
      NODE_ENV: "production",
      TMPDIR: tmp!,
      DATABASE_URL: TEST_DATABASE_URL,
      AMQP_URL: TEST_AMQP_URL,
      EVENTS_EXCHANGE: exchange,
      DRAIN_DELAY_MS: "200",
    };
    const [payments, orders] = await Promise.all([
      spawnService(
        "payments",
        {
          ...common,
          SERVICE_NAME: "payments",
          DB_SCHEMA: schemas[1]!,
          QUEUE_PREFIX: `payments.${run}`,
        },
        start("payments"),
      ),
      spawnService(
        "orders",
        {
          ...common,
          SERVICE_NAME: "orders",
          DB_SCHEMA: schemas[0]!,
          QUEUE_PREFIX: `orders.${run}`,
        },
        start("orders"),
      ),
    ]);
    procs.push(payments, orders);
    const gateway = await spawnService(
      "gateway",
      {
        NODE_ENV: "production",
        SERVICE_NAME: "gateway",
        ORDERS_URL: orders.address,
        DRAIN_DELAY_MS: "200",
      },
      start("gateway"),
    );
    procs.push(gateway);
    for (const p of procs) {
      expect((await http(`${p.address}/readyz`)).status, p.name).toBe(200);
      expect((await http(`${p.address}/livez`)).status, p.name).toBe(200);
    }
    // One real request through the built code.
    const created = await http(`${gateway.address}/orders`, {
      method: "POST",
      headers: { "idempotency-key": `img-${run}` },
      body: {
        customerId: "c",
        currency: "EUR",
        items: [{ sku: "a", quantity: 1, unitPriceCents: 5 }],
      },
    });
    expect(created.status).toBe(201);
    const codes = await Promise.all(procs.map((p) => p.stop()));
    expect(codes, procs.map((p) => p.stderr()).join("\n")).toEqual([0, 0, 0]);
    for (const p of procs) {
      expect(
        p.lines.flatMap((l) => (l.step ? [l.step] : [])),
        p.name,
      ).toEqual([1, 2, 3, 4, 5]);
      expect(p.stderr(), p.name).not.toContain("ERR_ACCESS_DENIED");
    }
  }, 300_000);
});
