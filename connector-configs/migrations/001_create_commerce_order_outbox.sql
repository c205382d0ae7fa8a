-- ============================================================
-- Outbox table for aggregate: order (domain: commerce)
--
-- The write side of the transactional outbox: the application inserts one row here in the
-- SAME transaction as its business writes. Debezium reads the insert from the WAL (pgoutput)
-- and outbox-connect publishes it as an Avro event envelope on
--   public.commerce.order_event.c1.v1
-- keyed by aggregate_id. Never read this table for business logic: it is a CDC source only.
-- ============================================================

CREATE TABLE commerce_order_outbox (
    -- Idempotency key for consumers (also the 'id' header of every event).
    event_id        UUID          PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Always 'order' here; the {aggregate} of the topic names and of the registry subjects.
    aggregate_type  VARCHAR(100)  NOT NULL,
    -- Business key of the aggregate: the Kafka key, so one aggregate's events keep their order.
    aggregate_id    VARCHAR(255)  NOT NULL,
    -- {AGGREGATE}_{VERB}, a symbol of the OrderEventType enum (ORDER_CREATED, ...).
    event_type      VARCHAR(100)  NOT NULL,
    -- Application time of the event; published as event_date (timestamp-micros).
    event_date      TIMESTAMPTZ   NOT NULL DEFAULT now(),
    -- The COMPLETE aggregate as JSON at the moment of the event, never a delta.
    event_data      JSONB         NOT NULL
);

-- Operational look-ups ("did we emit an event for order X?").
CREATE INDEX commerce_order_outbox_aggregate_id_idx ON commerce_order_outbox (aggregate_id);
-- Monitoring: how many rows are retained, how old is the oldest.
CREATE INDEX commerce_order_outbox_event_date_idx ON commerce_order_outbox (event_date);

-- The publication the connector reads (publication.autocreate.mode=disabled): only this table.
CREATE PUBLICATION commerce_order_publication FOR TABLE commerce_order_outbox;

-- Clean-up: Debezium never deletes outbox rows. Either delete the row in the same transaction
-- right after inserting it (the WAL still carries the insert), or purge old rows on a schedule:
--   DELETE FROM commerce_order_outbox WHERE event_date < now() - interval '7 days';

-- The connector's database role needs LOGIN and REPLICATION (run once, as a superuser;
-- the password belongs in your secret store, not in a migration):
--   CREATE ROLE outbox_connector WITH LOGIN REPLICATION PASSWORD '...';
--   GRANT SELECT ON commerce_order_outbox TO outbox_connector;
