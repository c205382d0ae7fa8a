package io.outboxconnect.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.outboxconnect.generator.AggregateSpec.Cleanup;
import io.outboxconnect.generator.AggregateSpec.Kind;
import io.outboxconnect.generator.AggregateSpec.TableLayout;

class AggregateSpecReaderTest {

    private static final String MINIMAL = """
            company: acme
            domain: commerce
            aggregate: order
            env: public
            cluster: c1
            fields:
              - {name: order_id, type: uuid}
            database: {hostname: db, dbname: shop, password: "${env:DB_PASSWORD}"}
            schema_registry: {url: "http://registry:8081"}
            """;

    private static AggregateSpec parse(String yaml) throws InvalidSpecException {
        return AggregateSpecReader.parse(yaml, "test.yaml");
    }

    private static String problemsOf(String yaml) {
        try {
            parse(yaml);
        }
        catch (InvalidSpecException e) {
            return String.join("\n", e.problems());
        }
        throw new AssertionError("the spec was accepted");
    }

    @Test
    void minimalSpecGetsSeed000sDefaults() throws Exception {
        AggregateSpec spec = parse(MINIMAL);

        assertThat(spec.eventTypes()).containsExactly("ORDER_CREATED", "ORDER_UPDATED", "ORDER_DELETED");
        assertThat(spec.schemaVersion()).isEqualTo("v1");
        assertThat(spec.partitions()).isEqualTo(6);
        assertThat(spec.tableLayout()).isEqualTo(TableLayout.PER_AGGREGATE);
        assertThat(spec.cleanup()).isEqualTo(Cleanup.DELETE);
        assertThat(spec.database().port()).isEqualTo(5432);
        assertThat(spec.database().user()).isEqualTo("outbox_connector");
        assertThat(spec.monitoring().maxOutboxRows()).isEqualTo(500);
    }

    @Test
    void theExampleSpecDescribesTheOrderAggregate() throws Exception {
        AggregateSpec spec = AggregateSpecReader.read(Path.of("connector-configs/specs/commerce-order.yaml"));

        assertThat(spec.fields()).extracting(AggregateSpec.FieldSpec::name).startsWith("order_id", "customer_id", "status");
        assertThat(spec.fields().get(4).type().kind()).isEqualTo(Kind.DECIMAL);
        assertThat(spec.fields().get(4).type().precision()).isEqualTo(12);
        assertThat(spec.fields().get(5).type().element().name()).isEqualTo("OrderLine");
        assertThat(spec.fields().get(6).nullable()).isTrue();
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsPath() {
        String problems = problemsOf("""
                company: acme
                domain: Commerce
                aggregate: order
                env: public
                cluster: c1
                fields:
                  - {name: order_id, type: uuid}
                  - {name: order_id, type: string}
                  - {name: total, type: money}
                database: {hostname: db, dbname: shop, password: "${env:DB_PASSWORD}"}
                schema_registry: {url: "http://registry:8081"}
                """);

        assertThat(problems)
                .contains("domain: 'Commerce' is not a snake_case identifier")
                .contains("fields[order_id]: duplicate field 'order_id'")
                .contains("fields[total].type: unknown type 'money'");
    }

    @Test
    void eventTypesMustStartWithTheAggregatesName() {
        assertThat(problemsOf(MINIMAL + "event_types: [ORDER_CREATED, SHIPMENT_CREATED, order_paid, ORDER_CREATED]\n"))
                .contains("event_types[1]: 'SHIPMENT_CREATED' does not start with the aggregate's name: expected ORDER_{VERB}")
                .contains("event_types[2]: 'order_paid' is not SCREAMING_SNAKE_CASE")
                .contains("event_types[3]: 'ORDER_CREATED' is listed twice");
    }

    @Test
    void theReaderDefaultSymbolIsReserved() {
        assertThat(problemsOf(MINIMAL + "event_types: [UNKNOWN]\n")).contains("'UNKNOWN' is reserved");
        assertThat(problemsOf(MINIMAL.replace("- {name: order_id, type: uuid}", "- {name: s, type: enum, symbols: [UNKNOWN, A]}")))
                .contains("fields[s].symbols: symbol UNKNOWN is reserved");
    }

    @Test
    void reservedWordsAreRejected() {
        assertThat(problemsOf(MINIMAL.replace("domain: commerce", "domain: package")))
                .contains("domain: 'package' is a reserved word");
        assertThat(problemsOf(MINIMAL.replace("name: order_id", "name: class")))
                .contains("field name 'class' is a reserved word");
        assertThat(problemsOf(MINIMAL.replace("aggregate: order", "aggregate: outbox_dlq").replace("ORDER", "OUTBOX_DLQ")))
                .contains("aggregate: 'outbox_dlq' is reserved");
        assertThat(problemsOf(MINIMAL.replace("aggregate: order", "aggregate: order_event")))
                .contains("aggregate: 'order_event' is reserved");
    }

    @Test
    void namesPostgresWouldShortenAreRejected() throws Exception {
        // 32 + 1 + 20 + 7 = 60 for the table, which fits; its indexes, its signalling table and the publication do not
        String problems = problemsOf(MINIMAL.replace("domain: commerce", "domain: customer_relationship_management")
                .replace("aggregate: order", "aggregate: subscription_renewal")
                .replace("database: {", "outbox: {cleanup: retain}\ndatabase: {"));
        assertThat(problems)
                .contains("the aggregate id index (from domain and aggregate): 'customer_relationship_management_subscription_renewal_outbox_aggregate_id_idx'"
                        + " is 77 characters, over PostgreSQL's 63")
                .contains("the event date index (from domain and aggregate): 'customer_relationship_management_subscription_renewal_outbox_event_date_idx' is 75")
                .contains("the signalling table (from domain and aggregate): 'customer_relationship_management_subscription_renewal_outbox_signal' is 67")
                .contains("the publication (from domain and aggregate): 'customer_relationship_management_subscription_renewal_publication' is 65")
                .doesNotContain("the outbox table").doesNotContain("the replication slot");
        // the longest names that fit: the aggregate id index at 63
        String fits = "a".repeat(63 - "_b_outbox_aggregate_id_idx".length());
        AggregateSpec spec = parse(MINIMAL.replace("domain: commerce", "domain: " + fits).replace("aggregate: order", "aggregate: b"));
        assertThat(spec.postgresNames().values()).allSatisfy(name -> assertThat(name.length()).isLessThanOrEqualTo(63))
                .contains(spec.outboxTable(), spec.replicationSlot(), spec.publication());
        assertThat(spec.aggregateIdIndex()).hasSize(63);
        assertThat(OutboxMigration.sql(spec)).contains("CREATE INDEX " + spec.aggregateIdIndex() + " ON ").contains("CREATE INDEX " + spec.eventDateIndex() + " ON ");
        assertThat(problemsOf(MINIMAL.replace("domain: commerce", "domain: " + fits + "a").replace("aggregate: order", "aggregate: b")))
                .contains("is 64 characters, over PostgreSQL's 63");
    }

    @Test
    void theSchemaAndTheRoleMustBePlainPostgresNames() {
        assertThat(problemsOf(MINIMAL.replace("dbname: shop", "dbname: shop, schema: user")))
                .contains("database.schema: 'user' is a PostgreSQL reserved key word");
        assertThat(problemsOf(MINIMAL.replace("dbname: shop", "dbname: shop, user: left")))
                .contains("database.user: 'left' is a PostgreSQL reserved key word");
        assertThat(problemsOf(MINIMAL.replace("dbname: shop", "dbname: shop, user: \"x\\nDROP TABLE important; --\"")))
                .contains("database.user: 'x\nDROP TABLE important; --' is not a snake_case identifier");
        assertThat(problemsOf(MINIMAL.replace("dbname: shop", "dbname: shop, user: outbox-connector")))
                .contains("database.user: 'outbox-connector' is not a snake_case identifier");
        assertThat(problemsOf(MINIMAL.replace("dbname: shop", "dbname: shop, user: pg_monitor")))
                .contains("database.user: 'pg_monitor' is a name PostgreSQL reserves for roles");
        assertThat(problemsOf(MINIMAL.replace("dbname: shop", "dbname: shop, user: public")))
                .contains("database.user: 'public' is a name PostgreSQL reserves for roles");
    }

    @Test
    void aLiteralPasswordIsRejected() {
        assertThat(problemsOf(MINIMAL.replace("\"${env:DB_PASSWORD}\"", "hunter2")))
                .contains("database.password: must be a ConfigProvider reference");
        assertThat(problemsOf(MINIMAL + "schema_registry: {url: \"http://r\", basic_auth_user_info: \"u:p\"}\n"))
                .isNotEmpty();
    }

    @Test
    void typesAreCheckedWhereverTheyAreNested() {
        String problems = problemsOf(MINIMAL.replace("fields:\n  - {name: order_id, type: uuid}\n", """
                fields:
                  - name: lines
                    type: array
                    items:
                      type: object
                      name: line
                      fields:
                        - {name: sku, type: string, symbols: [A]}
                        - {name: price, type: decimal}
                        - {name: weight, type: "decimal(2,3)"}
                  - {name: tags, type: array}
                  - {name: address, type: object}
                """));

        assertThat(problems)
                .contains("fields[lines].items.name: type name 'line' is not PascalCase")
                .contains("fields[lines].items.fields[sku].symbols: only for type enum, not string")
                .contains("fields[lines].items.fields[price].type: decimal needs a precision and a scale")
                .contains("fields[lines].items.fields[weight].type: decimal(2,3): precision must be at least 1 and scale at most the precision")
                .contains("fields[tags].items: an array needs its items type")
                .contains("fields[address].fields: an object needs its fields");
    }

    @Test
    void typeNamesMustBeUniqueInTheSchema() {
        assertThat(problemsOf(MINIMAL.replace("fields:\n  - {name: order_id, type: uuid}\n", """
                fields:
                  - {name: billing, type: object, type_name: Address, fields: [{name: city, type: string}]}
                  - {name: shipping, type: object, type_name: Address, fields: [{name: city, type: string}]}
                """))).contains("fields[shipping].type_name: type name 'Address' is used twice");
    }

    @Test
    void unknownKeysAndMissingRequiredKeysAreNamed() {
        assertThat(problemsOf(MINIMAL.replace("env: public\n", "enviroment: public\n")))
                .contains("enviroment: unknown key")
                .contains("env: required");
        assertThat(problemsOf(MINIMAL.replace("fields:\n  - {name: order_id, type: uuid}\n", "")))
                .contains("fields: required");
    }

    @Test
    void layoutAndCleanUpAreChoices() throws Exception {
        assertThat(problemsOf(MINIMAL + "outbox: {table: global}\n")).contains("outbox.table: 'global' is not one of [per_aggregate, shared]");
        AggregateSpec retained = parse(MINIMAL + "outbox: {table: shared, cleanup: retain, retention_days: 3}\n");

        assertThat(retained.outboxTable()).isEqualTo("commerce_outbox");
        assertThat(retained.connectorName()).isEqualTo("commerce-outbox-connector");
        assertThat(retained.monitoring().maxOldestRowAgeSeconds()).isEqualTo(4 * 86_400);
    }

    @Test
    void notYamlIsReportedWithItsLine() {
        assertThatThrownBy(() -> parse("company: [acme\ndomain: x\n")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("not valid YAML or JSON");
    }
}
