import autocannon from "autocannon";
import { randomUUID } from "node:crypto";
const url = process.argv[2]; const secs = Number(process.argv[3] ?? 5);
const body = JSON.stringify({ customerId: "bench", currency: "EUR", items: [{ sku: "SKU-1", quantity: 1, unitPriceCents: 1250 }] });
const r = await autocannon({ url, connections: 10, duration: secs, requests: [{ method: "POST", path: "/orders", headers: { "content-type": "application/json" }, body, setupRequest: (req) => ({ ...req, headers: { ...req.headers, "idempotency-key": randomUUID() } }) }] });
console.log(url, "req/s", r.requests.average, "non2xx", r.non2xx, "errors", r.errors);
