-- Orders. The idempotency key is unique so that a retried POST whose stored response was lost
-- (process died after COMMIT, before the kit stored the reply) finds the same order instead of
-- creating a second one.
CREATE TABLE orders (
  id              uuid        PRIMARY KEY,
  idempotency_key text        NOT NULL UNIQUE,
  customer_id     text        NOT NULL,
  currency        char(3)     NOT NULL,
  amount_cents    bigint      NOT NULL CHECK (amount_cents > 0),
  items           jsonb       NOT NULL,
  status          text        NOT NULL DEFAULT 'PENDING'
                              CHECK (status IN ('PENDING', 'PAID', 'PAYMENT_FAILED')),
  payment_ref     text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_pending ON orders (created_at) WHERE status = 'PENDING';
