import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Broker, PublishTimeoutError } from "../src/messaging/broker";
import { orderPlaced } from "./fixture";
import { TcpProxy } from "./tcp-proxy";
import {
  AMQP_TARGET,
  TEST_AMQP_URL,
  missingServers,
  skipWithoutServers,
  uniqueName,
} from "./servers";

describe("publish never hangs (real RabbitMQ behind a TCP proxy)", () => {
  const proxy = new TcpProxy(AMQP_TARGET);
  let broker: Broker | undefined;
  beforeAll(async () => {
    if ((await missingServers()).length > 0) return;
    await proxy.listen();
    broker = new Broker({
      url: proxy.rewrite(TEST_AMQP_URL),
      exchange: uniqueName("causeway.events.pt"),
      publishTimeoutMs: 300,
    });
  });
  afterAll(async () => {
    await broker?.connection.exchangeDelete({ exchange: broker.exchange }).catch(() => undefined);
    await broker?.close();
    await proxy.close();
  });

  it("rejects with PublishTimeoutError while the broker is unreachable, then confirms again", async (ctx) => {
    if (await skipWithoutServers(ctx)) return;
    const b = broker!;
    await b.publish(orderPlaced, { orderId: "o1", amount: 1 });
    proxy.refuse(true);
    proxy.cutAll();
    await expect(b.publish(orderPlaced, { orderId: "o2", amount: 1 })).rejects.toBeInstanceOf(
      PublishTimeoutError,
    );
    proxy.refuse(false);
    await b.connected(20_000);
    await b.publish(orderPlaced, { orderId: "o3", amount: 1 });
  });
});
