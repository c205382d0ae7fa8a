package io.outboxconnect.e2e;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * What a service using the outbox does: its business write and the outbox row, in one
 * transaction, the row holding the complete aggregate as JSON.
 */
final class OrderService {

    static final String SCHEMA_SQL = """
            CREATE TABLE IF NOT EXISTS orders (
                order_id     UUID PRIMARY KEY,
                customer_id  VARCHAR(64)   NOT NULL,
                status       VARCHAR(16)   NOT NULL,
                currency     CHAR(3)       NOT NULL,
                total_amount NUMERIC(12,2) NOT NULL,
                revision     INT           NOT NULL,
                updated_at   TIMESTAMPTZ   NOT NULL DEFAULT now()
            )""";

    private OrderService() {
    }

    /** Writes the order (insert or update) and its outbox row; returns the event id. Does not commit. */
    static String write(Connection connection, String orderId, String eventType, String status, int revision) throws SQLException {
        BigDecimal total = new BigDecimal("19.90").add(BigDecimal.valueOf(revision));
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO orders (order_id, customer_id, status, currency, total_amount, revision) VALUES (?::uuid, 'c-1', ?, 'EUR', ?, ?)
                ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, total_amount = excluded.total_amount,
                                                     revision = excluded.revision, updated_at = now()""")) {
            upsert.setString(1, orderId);
            upsert.setString(2, status);
            upsert.setBigDecimal(3, total);
            upsert.setInt(4, revision);
            upsert.executeUpdate();
        }
        String eventId = UUID.randomUUID().toString();
        try (PreparedStatement outbox = connection.prepareStatement("""
                INSERT INTO commerce_order_outbox (event_id, aggregate_type, aggregate_id, event_type, event_data)
                VALUES (?::uuid, 'order', ?, ?, ?::jsonb)""")) {
            outbox.setString(1, eventId);
            outbox.setString(2, orderId);
            outbox.setString(3, eventType);
            outbox.setString(4, aggregateJson(orderId, status, total, revision));
            outbox.executeUpdate();
        }
        return eventId;
    }

    /** Deletes the order and writes its ORDER_DELETED outbox row (the last full aggregate); returns the event id. Does not commit. */
    static String delete(Connection connection, String orderId, int revision) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE order_id = ?::uuid")) {
            delete.setString(1, orderId);
            delete.executeUpdate();
        }
        String eventId = UUID.randomUUID().toString();
        try (PreparedStatement outbox = connection.prepareStatement("""
                INSERT INTO commerce_order_outbox (event_id, aggregate_type, aggregate_id, event_type, event_data)
                VALUES (?::uuid, 'order', ?, 'ORDER_DELETED', ?::jsonb)""")) {
            outbox.setString(1, eventId);
            outbox.setString(2, orderId);
            outbox.setString(3, aggregateJson(orderId, "CANCELLED", BigDecimal.ZERO, revision));
            outbox.executeUpdate();
        }
        return eventId;
    }

    /**
     * The complete order as {@code schemas/commerce/order.avsc} describes it; {@code note} carries
     * the revision so that tests can check order without decoding more than the envelope.
     */
    static String aggregateJson(String orderId, String status, BigDecimal total, int revision) {
        return "{\"order_id\": \"" + orderId + "\", \"customer_id\": \"c-1\", \"status\": \"" + status + "\", \"currency\": \"EUR\", "
                + "\"total_amount\": " + total.toPlainString()
                + ", \"lines\": [{\"sku\": \"SKU-1\", \"quantity\": 1, \"unit_price\": " + total.toPlainString() + "}]"
                + ", \"shipping_address\": null, \"note\": \"revision " + revision + "\""
                + ", \"created_at\": \"2026-01-01T00:00:00Z\", \"updated_at\": \"2026-01-01T00:00:00Z\", \"shipped_at\": null}";
    }

    /** The revision a published aggregate JSON carries. */
    static int revisionOf(String aggregateJson) {
        int at = aggregateJson.indexOf("\"note\":\"revision ");
        if (at < 0) {
            throw new AssertionError("no revision note in the published aggregate");
        }
        int from = at + "\"note\":\"revision ".length();
        return Integer.parseInt(aggregateJson.substring(from, aggregateJson.indexOf('"', from)));
    }

    static String newOrderId() {
        return UUID.randomUUID().toString();
    }
}
