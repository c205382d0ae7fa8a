package io.outboxconnect.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.outboxconnect.sandbox.Postgres;

/** The generated migrations applied to a real PostgreSQL (the sandbox's), and what they leave behind. */
class GeneratedMigrationIT {

    private static Postgres postgres;

    @BeforeAll
    static void start() {
        postgres = Postgres.start();
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theExampleMigrationCreatesTheOutboxItsIndexesCommentsAndPublication() throws Exception {
        String sql = Files.readString(Path.of("connector-configs/migrations/001_create_commerce_order_outbox.sql"));
        execute(sql, "CREATE ROLE outbox_connector WITH LOGIN REPLICATION PASSWORD 'secret'");
        executeRoleStatements(sql);

        assertThat(strings("SELECT column_name || ' ' || data_type || ' ' || is_nullable FROM information_schema.columns "
                + "WHERE table_name = 'commerce_order_outbox' ORDER BY ordinal_position")).containsExactly(
                "event_id uuid NO", "aggregate_type character varying NO", "aggregate_id character varying NO",
                "event_type character varying NO", "event_date timestamp with time zone NO", "event_data jsonb NO");
        assertThat(strings("SELECT indexname FROM pg_indexes WHERE tablename = 'commerce_order_outbox' ORDER BY indexname"))
                .containsExactly("commerce_order_outbox_aggregate_id_idx", "commerce_order_outbox_event_date_idx", "commerce_order_outbox_pkey");
        assertThat(strings("SELECT tablename FROM pg_publication_tables WHERE pubname = 'commerce_order_publication'"))
                .containsExactly("commerce_order_outbox");
        assertThat(strings("SELECT obj_description('commerce_order_outbox'::regclass, 'pg_class')")).singleElement().asString()
                .contains("CDC source for commerce-order-outbox-connector");
        assertThat(strings("SELECT has_table_privilege('outbox_connector', 'commerce_order_outbox', 'SELECT')::text")).containsExactly("true");
        // the defaults the application relies on
        execute("INSERT INTO commerce_order_outbox (aggregate_type, aggregate_id, event_type, event_data) "
                + "VALUES ('order', 'o-1', 'ORDER_CREATED', '{}')");
        assertThat(strings("SELECT count(*) FROM commerce_order_outbox WHERE event_id IS NOT NULL AND event_date <= now()")).containsExactly("1");
    }

    @Test
    void theRetainedLayoutAddsDebeziumsSignallingTableToThePublication() throws Exception {
        AggregateSpec spec = AggregateSpecReader.read(ArtifactGeneratorTest.SHIPMENT_SPEC);
        String sql = OutboxMigration.sql(spec);
        execute(sql, "CREATE ROLE logistics_outbox WITH LOGIN REPLICATION PASSWORD 'secret'");
        executeRoleStatements(sql);

        assertThat(strings("SELECT tablename FROM pg_publication_tables WHERE pubname = 'logistics_shipment_publication' ORDER BY tablename"))
                .containsExactly("logistics_shipment_outbox", "logistics_shipment_outbox_signal");
        assertThat(strings("SELECT column_name FROM information_schema.columns WHERE table_name = 'logistics_shipment_outbox_signal' "
                + "ORDER BY ordinal_position")).containsExactly("id", "type", "data");
        assertThat(strings("SELECT has_table_privilege('logistics_outbox', 'logistics_shipment_outbox_signal', 'INSERT')::text"))
                .containsExactly("true");
        // the purge the migration documents is valid SQL on the table
        String purge = sql.lines().filter(l -> l.startsWith("--   DELETE FROM")).findFirst().orElseThrow().substring(5);
        execute(purge);
    }

    @Test
    void theSharedTablesMigrationCanBeAppliedForEveryAggregateOfTheDomain() throws Exception {
        String example = Files.readString(ArtifactGeneratorTest.EXAMPLE_SPEC).replace("table: per_aggregate", "table: shared")
                .replace("domain: commerce", "domain: billing");
        AggregateSpec order = AggregateSpecReader.parse(example, "order");
        AggregateSpec invoice = AggregateSpecReader.parse(example.replace("aggregate: order", "aggregate: invoice").replace("ORDER_", "INVOICE_"),
                "invoice");

        execute(OutboxMigration.sql(order));
        execute(OutboxMigration.sql(invoice));

        assertThat(strings("SELECT tablename FROM pg_publication_tables WHERE pubname = 'billing_outbox_publication'"))
                .containsExactly("billing_outbox");
        assertThat(strings("SELECT count(*) FROM pg_indexes WHERE tablename = 'billing_outbox'")).containsExactly("3");
    }

    /** The publication exists from an aggregate that deletes its rows; one that retains them needs the signalling table in it. */
    @Test
    void aSharedTablesPublicationGainsTheSignallingTableWhenALaterAggregateRetainsItsRows() throws Exception {
        String example = Files.readString(ArtifactGeneratorTest.EXAMPLE_SPEC).replace("table: per_aggregate", "table: shared")
                .replace("domain: commerce", "domain: sales");
        AggregateSpec order = AggregateSpecReader.parse(example, "order");
        AggregateSpec invoice = AggregateSpecReader.parse(example.replace("aggregate: order", "aggregate: invoice").replace("ORDER_", "INVOICE_")
                .replace("cleanup: delete", "cleanup: retain"), "invoice");
        AggregateSpec refund = AggregateSpecReader.parse(example.replace("aggregate: order", "aggregate: refund").replace("ORDER_", "REFUND_")
                .replace("cleanup: delete", "cleanup: retain"), "refund");

        execute(OutboxMigration.sql(order));
        assertThat(strings("SELECT tablename FROM pg_publication_tables WHERE pubname = 'sales_outbox_publication'")).containsExactly("sales_outbox");
        execute(OutboxMigration.sql(invoice), OutboxMigration.sql(refund));

        assertThat(strings("SELECT tablename FROM pg_publication_tables WHERE pubname = 'sales_outbox_publication' ORDER BY tablename"))
                .containsExactly("sales_outbox", "sales_outbox_signal");
    }

    /** A replay of many aggregate ids makes a long signal: the generated column takes it, an older VARCHAR(2048) one is named. */
    @Test
    void aReplayOfManyAggregatesFitsTheGeneratedSignallingTableAndAnOlderNarrowOneIsNamed() throws Exception {
        String yaml = Files.readString(ArtifactGeneratorTest.SHIPMENT_SPEC).replace("aggregate: shipment", "aggregate: crate").replace("SHIPMENT_", "CRATE_");
        Path spec = Files.createTempFile("crate", ".yaml");
        try {
            Files.writeString(spec, yaml);
            execute(OutboxMigration.sql(AggregateSpecReader.parse(yaml, "crate")));
            List<String> args = new ArrayList<>(List.of("replay", "--spec", spec.toString(), "--jdbc-url", postgres.jdbcUrl(),
                    "--db-user", io.outboxconnect.sandbox.Postgres.USER, "--db-password", "unused"));
            for (int i = 0; i < 60; i++) {
                args.addAll(List.of("--aggregate-id", java.util.UUID.randomUUID().toString()));
            }
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            int code = io.outboxconnect.cli.Main.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), args.toArray(String[]::new));
            assertThat(code).as(out + "\n" + err).isZero();
            assertThat(strings("SELECT length(data) > 2048 FROM logistics_crate_outbox_signal")).containsExactly("t");

            execute("ALTER TABLE logistics_crate_outbox_signal ALTER COLUMN data TYPE VARCHAR(2048) USING left(data, 2048)");
            code = io.outboxconnect.cli.Main.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), args.toArray(String[]::new));
            assertThat(code).as("a usage error, not 'unreachable': " + err).isEqualTo(2);
            assertThat(err.toString()).contains("more than public.logistics_crate_outbox_signal's data column takes")
                    .contains("ALTER COLUMN data TYPE TEXT");
        }
        finally {
            Files.deleteIfExists(spec);
        }
    }

    @Test
    void anOutboxOutsideThePublicSchemaIsCreatedThere() throws Exception {
        String yaml = Files.readString(ArtifactGeneratorTest.SHIPMENT_SPEC).replace("dbname: logistics", "dbname: logistics\n  schema: outbox")
                .replace("aggregate: shipment", "aggregate: pallet").replace("SHIPMENT_", "PALLET_");
        AggregateSpec spec = AggregateSpecReader.parse(yaml, "pallet");

        execute("CREATE SCHEMA outbox", OutboxMigration.sql(spec));

        assertThat(strings("SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = 'logistics_pallet_publication' "
                + "ORDER BY tablename")).containsExactly("outbox.logistics_pallet_outbox", "outbox.logistics_pallet_outbox_signal");
        assertThat(strings("SELECT indexname FROM pg_indexes WHERE schemaname = 'outbox' AND tablename = 'logistics_pallet_outbox' ORDER BY indexname"))
                .containsExactly("logistics_pallet_outbox_aggregate_id_idx", "logistics_pallet_outbox_event_date_idx", "logistics_pallet_outbox_pkey");
    }

    /** The migration's role statements are comments (they need a superuser); they must still be valid SQL. */
    private static void executeRoleStatements(String sql) throws SQLException {
        for (String line : sql.lines().toList()) {
            if (line.startsWith("--   GRANT")) {
                String statement = line.substring(5);
                execute(statement.contains("--") ? statement.substring(0, statement.indexOf("--")) : statement);
            }
        }
    }

    private static void execute(String... sql) throws SQLException {
        try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    private static List<String> strings(String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
