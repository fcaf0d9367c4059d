-- The payments ledger: one row per order, whatever is retried or redelivered. A row records the
-- provider's answer for the order (status 'succeeded': money moved; 'declined': nothing moved).
-- UNIQUE(order_id) is the no-double-charge guarantee on our side; the order id is also the
-- provider's idempotency key, the guarantee on the provider's side.
CREATE TABLE charges (
  id                 bigserial   PRIMARY KEY,
  order_id           uuid        NOT NULL UNIQUE,
  status             text        NOT NULL CHECK (status IN ('succeeded', 'declined')),
  provider_charge_id text        NOT NULL UNIQUE,
  customer_id        text        NOT NULL,
  amount_cents       bigint      NOT NULL CHECK (amount_cents > 0),
  currency           char(3)     NOT NULL,
  decline_reason     text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'declined') = (decline_reason IS NOT NULL))
);
