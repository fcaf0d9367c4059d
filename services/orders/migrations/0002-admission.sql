-- The admission contract (services/contracts/src/admission.ts, `Limits`) enforced by the
-- database too, so that the HTTP schema, the order.placed event schema and these constraints
-- state the same limits. services/orders/src/admission.test.ts checks every bound here against
-- `Limits` on a real PostgreSQL: the limit is accepted, one past it refused.
-- Lengths are char_length (code points), as JSON Schema's maxLength counts them. A NUL cannot
-- be stored in text at all, and unpaired surrogates cannot reach UTF-8, so text needs no rule.
-- Currency membership (the ISO 4217 list) changes with the platform's data and is checked at
-- admission; the table keeps its shape.
ALTER TABLE orders
  ADD CONSTRAINT orders_amount_cents_range CHECK (amount_cents BETWEEN 1 AND 100000000),
  ADD CONSTRAINT orders_customer_id_length CHECK (char_length(customer_id) BETWEEN 1 AND 128),
  ADD CONSTRAINT orders_currency_code CHECK (currency ~ '^[A-Z]{3}$'),
  ADD CONSTRAINT orders_items_count CHECK (
    jsonb_typeof(items) = 'array' AND jsonb_array_length(items) BETWEEN 1 AND 100
  );
