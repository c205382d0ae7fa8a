package io.outboxconnect.bench;

import java.util.Locale;
import java.util.UUID;

/**
 * Order aggregates of {@code schemas/commerce/order.avsc} as the outbox's {@code jsonb} column
 * prints them (keys ordered by length, then bytewise; {@code ", "} and {@code ": "} separators), of
 * a chosen size: a realistic order with as many lines as it takes to reach it.
 */
public final class OrderAggregates {

    private OrderAggregates() {
    }

    /** An order with every field set (so every row has the same shape), at least {@code minBytes} long. */
    public static String json(String orderId, int minBytes) {
        StringBuilder lines = new StringBuilder();
        long totalCents = 0;
        int count = 0;
        String json;
        do {
            int quantity = 1 + count % 4;
            long unitCents = 990 + 137L * (count % 23);
            totalCents += quantity * unitCents;
            if (count > 0) {
                lines.append(", ");
            }
            lines.append("{\"sku\": \"SKU-").append(String.format(Locale.ROOT, "%05d", 10_000 + count * 7)).append("\", \"quantity\": ")
                    .append(quantity).append(", \"unit_price\": ").append(decimal(unitCents)).append('}');
            count++;
            json = "{\"note\": \"leave at the door\", \"lines\": [" + lines + "], \"status\": \"PAID\", \"currency\": \"EUR\", \"order_id\": \""
                    + orderId + "\", \"created_at\": \"2026-01-01T09:30:00.123456+00:00\", \"shipped_at\": \"2026-01-03T14:00:00+00:00\","
                    + " \"updated_at\": \"2026-01-02T10:15:00.5+00:00\", \"customer_id\": \"c-" + orderId.substring(0, 8) + "\", \"total_amount\": "
                    + decimal(totalCents) + ", \"shipping_address\": {\"city\": \"Berlin\", \"street\": \"Friedrichstraße 123\","
                    + " \"country\": \"DE\", \"postal_code\": \"10117\"}}";
        }
        while (json.length() < minBytes);
        return json;
    }

    /** A reproducible order id: the same run writes the same aggregates. */
    public static String orderId(long n) {
        return new UUID(0x0b5e3c1a8f3e4a59L, 0x9a571c1f00000000L | n).toString();
    }

    private static String decimal(long cents) {
        return cents / 100 + "." + String.format(Locale.ROOT, "%02d", cents % 100);
    }
}
