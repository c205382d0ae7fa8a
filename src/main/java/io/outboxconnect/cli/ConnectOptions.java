package io.outboxconnect.cli;

import picocli.CommandLine.Option;

/**
 * {@code --connect-basic-auth}, shared by the commands that call Connect's REST API. {@code --connect-url} stays in each
 * command: its help text differs between them.
 */
final class ConnectOptions {

    @Option(names = "--connect-basic-auth", paramLabel = "USER:PASSWORD", defaultValue = "${env:OUTBOX_CONNECT_BASIC_AUTH}",
            description = "Basic authentication for Connect's REST API; default: the environment variable OUTBOX_CONNECT_BASIC_AUTH.")
    String basicAuth;

    ConnectClient client(String url) {
        return new ConnectClient(url, basicAuth);
    }
}
