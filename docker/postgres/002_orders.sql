-- The example service's business table, written in the same transaction as the outbox row.
CREATE TABLE orders (
    order_id     UUID PRIMARY KEY,
    customer_id  VARCHAR(64)   NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    currency     CHAR(3)       NOT NULL,
    total_amount NUMERIC(12,2) NOT NULL,
    updated_at   TIMESTAMPTZ   NOT NULL DEFAULT now()
);
GRANT SELECT ON commerce_order_outbox TO outbox_connector;
