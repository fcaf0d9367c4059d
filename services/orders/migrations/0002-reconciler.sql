-- The reconciler's bookkeeping: how often a PENDING order was re-driven, and when last, so that
-- each order is re-driven at most once per deadline.
ALTER TABLE orders
  ADD COLUMN redrive_count integer NOT NULL DEFAULT 0,
  ADD COLUMN redriven_at   timestamptz;
