import { Writable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import pino from "pino";
import { accessLine, createLogger, isoTimeCached } from "./logger";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const logger = createLogger({ name: "test", destination });
  const last = () => JSON.parse(lines.at(-1)!) as Record<string, unknown>;
  return { lines, logger, last };
}

const SECRET = "s3cr3t-value";

describe("createLogger redaction", () => {
  it("redacts every secret and customer field at the depths the paths name", () => {
    const { logger, lines } = capture();
    const child = logger.child({ reqId: "r-1" });
    child.info(
      {
        req: {
          headers: {
            authorization: SECRET,
            cookie: SECRET,
            "x-api-key": SECRET,
            "idempotency-key": SECRET,
          },
        },
        res: { headers: { "set-cookie": SECRET } },
        password: SECRET,
        secret: SECRET,
        token: SECRET,
        DATABASE_URL: SECRET,
        AMQP_URL: SECRET,
        REDIS_URL: SECRET,
        customerId: SECRET,
        items: [SECRET],
        body: SECRET,
        payload: SECRET,
        config: {
          password: SECRET,
          secret: SECRET,
          token: SECRET,
          apiKey: SECRET,
          DATABASE_URL: SECRET,
          AMQP_URL: SECRET,
          REDIS_URL: SECRET,
        },
        order: { customerId: SECRET, items: [SECRET], body: SECRET, payload: SECRET },
        event: { order: { customerId: SECRET, items: [SECRET] } },
      },
      "with secrets",
    );
    const line = lines.at(-1)!;
    expect(line).not.toContain(SECRET);
    const parsed = JSON.parse(line) as Record<string, Record<string, unknown>>;
    expect(parsed.config!.password).toBe("[redacted]");
    expect(parsed.event!.order).toEqual({ customerId: "[redacted]", items: "[redacted]" });
  });

  it("censors a one-segment path whatever its value, a string or a number", () => {
    const { logger, last } = capture();
    logger.info({ password: 1234, token: "abc", customerId: true }, "top level");
    expect(last()).toMatchObject({
      password: "[redacted]",
      token: "[redacted]",
      customerId: "[redacted]",
    });
  });

  it("writes strings, numbers and booleans under any other key as JSON, escapes included", () => {
    const { logger, last } = capture();
    const odd = 'quote " backslash \\ newline \n unicode \u2028 é';
    logger
      .child({ reqId: odd })
      .info({ text: odd, n: 1.5, inf: Infinity, yes: false, big: 10n }, odd);
    expect(last()).toMatchObject({
      reqId: odd,
      msg: odd,
      text: odd,
      n: 1.5,
      inf: null,
      yes: false,
      big: 10,
    });
  });
});

describe("accessLine", () => {
  const line = {
    reqId: "req-7",
    idempotencyKeyHash: "0123456789abcdef",
    req: {
      method: "POST",
      url: `/orders?token=${SECRET}`,
      host: "gw.example",
      ip: "10.0.0.1",
      socket: { remotePort: 40000 },
      headers: { authorization: SECRET, "idempotency-key": SECRET },
      body: { customerId: SECRET },
    },
    res: { statusCode: 201 },
    responseTime: 1.25,
  };

  it("writes the line the redacting logger writes for the same fields, secrets excluded", () => {
    const { logger, lines } = capture();
    const write = accessLine(logger);
    expect(write).toBeDefined();
    logger
      .child({ reqId: line.reqId, idempotencyKeyHash: line.idempotencyKeyHash })
      .info({ req: line.req, res: line.res, responseTime: line.responseTime }, "request completed");
    write!(line, "request completed");
    expect(lines).toHaveLength(2);
    const [viaLogger, viaAccess] = lines.map((l) => {
      const { time, ...rest } = JSON.parse(l) as Record<string, unknown>;
      expect(typeof time).toBe("string");
      return rest;
    });
    expect(viaAccess).toEqual(viaLogger);
    expect(viaAccess).toMatchObject({
      level: 30,
      name: "test",
      reqId: "req-7",
      req: { method: "POST", url: "/orders", remoteAddress: "10.0.0.1", remotePort: 40000 },
      res: { statusCode: 201 },
      msg: "request completed",
    });
    expect(lines[1]).not.toContain(SECRET);
  });

  it("is only offered for loggers made by createLogger", () => {
    const { logger } = capture();
    expect(accessLine(logger.child({ x: 1 }))).toBeUndefined();
  });
});

describe("isoTimeCached", () => {
  it("writes pino's isoTime text, across second and year boundaries", () => {
    const spy = vi.spyOn(Date, "now");
    try {
      for (const base of [0, 999, 1_764_763_985_990, 1_767_225_599_995, 4_102_444_799_990]) {
        for (let t = base; t < base + 1_020; t += 3) {
          spy.mockReturnValue(t);
          expect(isoTimeCached()).toBe(pino.stdTimeFunctions.isoTime());
        }
      }
    } finally {
      spy.mockRestore();
    }
  });
});
