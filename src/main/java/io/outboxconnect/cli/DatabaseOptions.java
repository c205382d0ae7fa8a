package io.outboxconnect.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import io.outboxconnect.generator.AggregateSpec;
import picocli.CommandLine.Option;

/** Where the CLI reaches PostgreSQL; by default the spec's host, port, database and connector role. */
final class DatabaseOptions {

    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "JDBC URL of the database; default: jdbc:postgresql://{database.hostname}:{database.port}/{database.dbname} of the spec.")
    String jdbcUrl;

    @Option(names = "--db-user", paramLabel = "USER", description = "Database user; default: the spec's database.user.")
    String user;

    @Option(names = "--db-password", paramLabel = "PASSWORD", defaultValue = "${env:OUTBOX_DB_PASSWORD}",
            description = "Database password; default: the environment variable OUTBOX_DB_PASSWORD.")
    String password;

    Connection connect(AggregateSpec spec) throws SQLException {
        String url = jdbcUrl != null ? jdbcUrl
                : "jdbc:postgresql://" + spec.database().hostname() + ":" + spec.database().port() + "/" + spec.database().dbname();
        return DriverManager.getConnection(url, user != null ? user : spec.database().user(), password);
    }
}
