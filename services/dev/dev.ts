/**
 * `npm run dev`: the three services as local processes with readable, interleaved logs, against
 * AMQP_URL and DATABASE_URL (default: this machine's RabbitMQ and PostgreSQL database "test";
 * the services touch only their own schemas "orders" and "payments" there). Ctrl-C stops them.
 */
import { Defaults, launch, preflight, redact } from "./launch";

async function main(): Promise<void> {
  const amqpUrl = process.env.AMQP_URL ?? Defaults.AMQP_URL;
  const databaseUrl = process.env.DATABASE_URL ?? Defaults.DATABASE_URL;
  const problems = await preflight({ amqp: amqpUrl, database: databaseUrl });
  if (problems.length > 0) {
    console.error(`npm run dev: cannot start.\n\n${problems.join("\n\n")}`);
    process.exit(1);
  }
  console.log(
    `Causeway dev: RabbitMQ ${redact(amqpUrl)}, PostgreSQL ${redact(databaseUrl)} ` +
      `(schemas "${Defaults.schemas.orders}", "${Defaults.schemas.payments}", ` +
      `"${Defaults.schemas.payments}_provider")\n` +
      `  gateway  http://127.0.0.1:${Defaults.ports.gateway}   (public API)\n` +
      `  orders   http://127.0.0.1:${Defaults.ports.orders}\n` +
      `  payments http://127.0.0.1:${Defaults.ports.payments}   (GET /charges?orderId=...)\n`,
  );
  const services = launch({
    amqpUrl,
    databaseUrl,
    color: process.stdout.isTTY,
    onLine: (_s, text) => console.log(text),
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping (SIGTERM to each service)...");
    void services.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    await services.listening;
    console.log(`\nready: try  npm run demo  or  curl -X POST localhost:8080/orders ...\n`);
  } catch (err) {
    console.error(`npm run dev: ${(err as Error).message}`);
    await services.stop();
    process.exit(1);
  }
}

void main();
