import type { Agent } from "node:http";
import { request } from "node:http";

export interface HttpResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A JSON POST; `agent: false` opens a fresh connection (no keep-alive pool). */
export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  agent: Agent | false = false,
): Promise<HttpResult> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": data.length, ...headers },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

/** An order body the orders service accepts. */
export function orderBody(customerId: string, quantity = 1) {
  return {
    customerId,
    currency: "EUR",
    items: [{ sku: "SKU-1", quantity, unitPriceCents: 1250 }],
  };
}
