import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";

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
