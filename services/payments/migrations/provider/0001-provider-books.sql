-- The simulated payment provider's own books, in its own schema (never the payments schema):
-- what a real provider keeps on its side. Idempotency keys are retained 24 h, as Stripe does
-- (https://docs.stripe.com/api/idempotent_requests); charges are kept.
CREATE TABLE idempotency_keys (
  key         text        PRIMARY KEY,
  -- Calls made with this key so far; the n-th call's simulated faults are drawn from (seed, key, n).
  calls       integer     NOT NULL DEFAULT 0,
  fingerprint text,
  charge_id   text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

CREATE TABLE charges (
  id              text        PRIMARY KEY,
  idempotency_key text        NOT NULL,
  -- The caller's reference (Stripe's metadata): the order id. Counting charges per reference
  -- is how tests see a double charge, whatever keys were used.
  reference       text,
  status          text        NOT NULL CHECK (status IN ('succeeded', 'declined')),
  decline_reason  text,
  customer_id     text        NOT NULL,
  amount_cents    bigint      NOT NULL,
  currency        text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX charges_reference ON charges (reference);

-- Operator switch of the simulation: while now() < down_until every call fails before charging.
CREATE TABLE switches (
  id         integer     PRIMARY KEY CHECK (id = 1),
  down_until timestamptz
);
INSERT INTO switches (id, down_until) VALUES (1, NULL);
