/**
 * `npm run dlq -- <command>`: dead-letter queue tooling against the real broker (AMQP_URL,
 * default this machine's RabbitMQ). Replay is safe by design: every consumer runs behind the
 * kit's inbox, so a message delivered twice (same message id) has one effect.
 *
 *   list [queue...]              ready messages and consumers per DLQ (default: the services' DLQs)
 *   show <dlq> [--count N]       the first N messages (default 10), returned to the queue afterwards
 *   replay <dlq> [--max N]       moves messages back to the work queue (<dlq> without ".dlq")
 *   purge <dlq> --yes            deletes every message (never asks; refuses without --yes)
 */
import { DlqTool } from "@causeway/kit";

const USAGE = `usage: npm run dlq -- list [queue...]
       npm run dlq -- show <queue.dlq> [--count N]
       npm run dlq -- replay <queue.dlq> [--max N]
       npm run dlq -- purge <queue.dlq> --yes
env:   AMQP_URL (default amqp://guest:guest@127.0.0.1:5672), ORDERS_QUEUE_PREFIX (orders),
       PAYMENTS_QUEUE_PREFIX (payments): the default queues of "list"`;

class UsageError extends Error {}

/** The DLQs of the services' subscriptions (services/README.md), from their queue prefixes. */
export function defaultDlqs(env: NodeJS.ProcessEnv = process.env): string[] {
  const orders = env.ORDERS_QUEUE_PREFIX ?? "orders";
  const payments = env.PAYMENTS_QUEUE_PREFIX ?? "payments";
  return [
    `${payments}.order-placed.dlq`,
    `${orders}.payment-succeeded.dlq`,
    `${orders}.payment-failed.dlq`,
  ];
}

function option(args: string[], name: string): number | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const raw = args[i + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`${name} needs a whole number >= 1, got ${raw ?? "nothing"}`);
  }
  args.splice(i, 2);
  return n;
}

function oneQueue(args: string[], command: string): string {
  const named = args.filter((a) => !a.startsWith("--"));
  const unknown = args.filter((a) => a.startsWith("--"));
  if (unknown.length > 0) throw new UsageError(`${command}: unknown option ${unknown.join(" ")}`);
  if (named.length !== 1) {
    throw new UsageError(`${command} needs exactly one queue, e.g. payments.order-placed.dlq`);
  }
  return named[0]!;
}

export async function main(argv: string[], out: (line: string) => void): Promise<number> {
  const [command, ...args] = argv;
  const url = process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
  try {
    // Arguments are checked before connecting, so a typo never touches the broker.
    let run: (tool: DlqTool) => Promise<void>;
    switch (command) {
      case "list": {
        const queues = args.length > 0 ? args : defaultDlqs();
        run = async (tool) => {
          const depths = await tool.depths(queues);
          const width = Math.max(5, ...queues.map((q) => q.length));
          out(`${"queue".padEnd(width)}  messages  consumers`);
          for (const d of depths) {
            out(
              d.missing
                ? `${d.queue.padEnd(width)}  (no such queue)`
                : `${d.queue.padEnd(width)}  ${String(d.messages).padStart(8)}  ${String(d.consumers).padStart(9)}`,
            );
          }
        };
        break;
      }
      case "show": {
        const count = option(args, "--count") ?? 10;
        const queue = oneQueue(args, "show");
        run = async (tool) => {
          const shown = await tool.show(queue, count);
          out(`${shown.length} message(s) of ${queue} (left in the queue):`);
          for (const m of shown) {
            out(
              JSON.stringify({
                messageId: m.messageId,
                type: m.type,
                attempt: m.attempt,
                reason: m.reason,
                body: m.body,
              }),
            );
          }
        };
        break;
      }
      case "replay": {
        const max = option(args, "--max");
        const queue = oneQueue(args, "replay");
        if (!queue.endsWith(".dlq")) {
          throw new UsageError(`replay needs a DLQ name (<queue>.dlq), got ${queue}`);
        }
        run = async (tool) => {
          const moved = await tool.replay(queue, max);
          out(`replayed ${moved} message(s) from ${queue} to ${queue.replace(/\.dlq$/, "")}`);
        };
        break;
      }
      case "purge": {
        const yes = args.includes("--yes");
        const queue = oneQueue(
          args.filter((a) => a !== "--yes"),
          "purge",
        );
        if (!yes) {
          throw new UsageError(
            `purge deletes every message of ${queue} for good and never asks: add --yes ` +
              `(or look first with: npm run dlq -- show ${queue})`,
          );
        }
        run = async (tool) => {
          out(`purged ${await tool.purge(queue)} message(s) from ${queue}`);
        };
        break;
      }
      default:
        throw new UsageError(command ? `unknown command "${command}"` : "no command given");
    }
    const tool = await DlqTool.connect(url).catch((err: unknown) => {
      throw new Error(
        `RabbitMQ is unreachable at ${redact(url)} (${(err as Error).message}); ` +
          `start it or set AMQP_URL`,
      );
    });
    try {
      await run(tool);
    } finally {
      await tool.close();
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`npm run dlq: ${err.message}\n${USAGE}`);
      return 2;
    }
    console.error(`npm run dlq: ${(err as Error).message}`);
    return 1;
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(invalid AMQP_URL)";
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), (line) => console.log(line)).then((code) => {
    process.exitCode = code;
  });
}
