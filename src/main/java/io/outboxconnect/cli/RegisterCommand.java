package io.outboxconnect.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import io.outboxconnect.generator.AggregateSpec;
import io.outboxconnect.generator.AvroSchemas;
import io.outboxconnect.generator.ConnectorConfig;
import io.outboxconnect.naming.OutboxNames;
import io.outboxconnect.registry.IncompatibleSchemaException;
import io.outboxconnect.registry.RegisteredSchema;
import io.outboxconnect.registry.RegistryUnavailableException;
import io.outboxconnect.registry.SchemaNotFoundException;
import io.outboxconnect.registry.SchemaRegistryClient;
import io.outboxconnect.registry.SchemaRegistryClientConfig;
import io.outboxconnect.registry.SchemaRegistryException;
import io.outboxconnect.registry.SubjectNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "register", mixinStandardHelpOptions = true,
        description = {"Registers an aggregate: both schemas under FORWARD_TRANSITIVE (or checks the registered ones), then creates or "
                + "updates its connector (PUT /connectors/{name}/config) and waits until the connector and its tasks are RUNNING.",
                "Exit codes: 0 RUNNING, 1 invalid spec, 2 usage, 3 schema incompatible or missing, 4 connector or task FAILED "
                        + "(the worker's trace is printed), 5 unreachable or not RUNNING in time, 6 unexpected error."})
final class RegisterCommand implements Callable<Integer> {

    static final String COMPATIBILITY = "FORWARD_TRANSITIVE";

    @Spec
    CommandSpec command;

    @Mixin
    SpecOption spec;

    @Option(names = "--connect-url", required = true, paramLabel = "URL", description = "The Connect worker's REST API, e.g. http://connect:8083.")
    String connectUrl;

    @Mixin
    ConnectOptions connect;

    @Option(names = "--registry-url", paramLabel = "URL", description = "The schema registry as this machine reaches it; default: the spec's schema_registry.url.")
    String registryUrl;

    @Option(names = "--registry-basic-auth", paramLabel = "USER:PASSWORD", defaultValue = "${env:OUTBOX_REGISTRY_BASIC_AUTH}",
            description = "Basic authentication for the registry; default: the environment variable OUTBOX_REGISTRY_BASIC_AUTH.")
    String registryAuth;

    @Option(names = "--schemas", paramLabel = "MODE", defaultValue = "register",
            description = "'register' (set FORWARD_TRANSITIVE and register both schemas) or 'check' (only verify that the registered "
                    + "schemas are these, as their subjects' latest versions, or compatible with them); default: ${DEFAULT-VALUE}.")
    String schemasMode;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Overrides a key of the generated connector configuration for this environment (repeatable), "
                    + "e.g. --set database.hostname=10.0.0.5.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long to wait for the connector and its tasks to be RUNNING; default: ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        if (!schemasMode.equals("register") && !schemasMode.equals("check")) {
            err.println("--schemas must be 'register' or 'check', not '" + schemasMode + "'");
            return ExitCodes.USAGE;
        }
        AggregateSpec aggregate = spec.read(err);
        if (aggregate == null) {
            return ExitCodes.INVALID_SPEC;
        }
        int schemas = schemas(aggregate, out, err);
        if (schemas != ExitCodes.OK) {
            return schemas;
        }
        ConnectorConfig connector = ConnectorConfig.of(aggregate);
        Map<String, String> config = new LinkedHashMap<>(connector.config());
        config.putAll(overrides);
        ConnectClient client = connect.client(connectUrl);
        try {
            boolean created = client.putConfig(connector.name(), config);
            out.println((created ? "created " : "updated ") + "connector " + connector.name() + " on " + client.url());
        }
        catch (ConnectClient.ConnectException e) {
            err.println("The worker refused the connector: " + e.getMessage());
            return e.status == 400 ? ExitCodes.FAILED : ExitCodes.UNREACHABLE;
        }
        catch (java.io.IOException e) {
            err.println("Connect at " + connectUrl + " unreachable: " + e);
            return ExitCodes.UNREACHABLE;
        }
        return awaitRunning(client, connector.name(), out, err);
    }

    private int schemas(AggregateSpec aggregate, PrintWriter out, PrintWriter err) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(SchemaRegistryClientConfig.URL, registryUrl != null ? registryUrl : aggregate.registry().url());
        if (registryAuth != null && !registryAuth.isEmpty()) {
            props.put(SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO, registryAuth);
        }
        props.put(SchemaRegistryClientConfig.RETRY_TIMEOUT_MS, 10_000L);
        Map<String, String> subjects = new LinkedHashMap<>();
        subjects.put(OutboxNames.valueSubject(aggregate.eventTopic()), AvroSchemas.envelope(aggregate));
        subjects.put(OutboxNames.valueSubject(aggregate.stateTopic()), AvroSchemas.aggregate(aggregate));
        try (SchemaRegistryClient registry = new SchemaRegistryClient(new SchemaRegistryClientConfig(props))) {
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, String> subject : subjects.entrySet()) {
                String name = subject.getKey();
                if (schemasMode.equals("register")) {
                    registry.setCompatibility(name, COMPATIBILITY);
                    try {
                        int id = registry.register(name, subject.getValue());
                        out.println("registered " + name + " (" + COMPATIBILITY + "), schema id " + id);
                        // a schema registered before is not registered again: if it is not the latest, the connector writes with another
                        problems.addAll(check(registry, name, subject.getValue(), out));
                    }
                    catch (IncompatibleSchemaException e) {
                        problems.add(name + ": incompatible with the registered versions under " + COMPATIBILITY + ": " + e.getMessage());
                    }
                }
                else {
                    problems.addAll(check(registry, name, subject.getValue(), out));
                }
            }
            problems.forEach(err::println);
            return problems.isEmpty() ? ExitCodes.OK : ExitCodes.NOT_HEALTHY;
        }
        catch (RegistryUnavailableException e) {
            err.println("The schema registry failed: " + e.getMessage());
            return ExitCodes.UNREACHABLE;
        }
        catch (SchemaRegistryException e) {
            // an answer, not an outage: credentials, permissions, a schema the registry finds invalid
            err.println("The schema registry refused: " + e.getMessage());
            return ExitCodes.NOT_HEALTHY;
        }
    }

    private static List<String> check(SchemaRegistryClient registry, String subject, String schema, PrintWriter out) {
        try {
            RegisteredSchema found = registry.lookup(subject, schema);
            String compatibility = registry.compatibility(subject).orElseGet(registry::globalCompatibility);
            RegisteredSchema latest = registry.latest(subject);
            out.println("checked " + subject + ": registered as version " + found.version() + " (latest " + latest.version() + "), compatibility "
                    + compatibility);
            List<String> problems = new ArrayList<>();
            if (latest.version() != found.version()) {
                // the generated connector writes with the subject's latest version, not with the spec's schema
                problems.add(subject + ": the spec's schema is version " + found.version() + ", but the latest is version " + latest.version()
                        + " (id " + latest.id() + "), which the connector writes with (the registry keeps the first version of a schema"
                        + " registered again): bring the spec up to the latest schema, or pin the version in the connector's schemas.*.version");
            }
            if (!compatibility.equals(COMPATIBILITY)) {
                problems.add(subject + ": compatibility is " + compatibility + ", not " + COMPATIBILITY);
            }
            return problems;
        }
        catch (SubjectNotFoundException e) {
            return List.of(subject + ": not registered (the connector only looks schemas up): run register --schemas register");
        }
        catch (SchemaNotFoundException e) {
            if (registry.isCompatible(subject, schema)) {
                out.println("checked " + subject + ": this schema is not registered yet but is compatible with the registered versions");
                return List.of(subject + ": not registered yet (compatible): run register --schemas register");
            }
            return List.of(subject + ": this schema is incompatible with the registered versions");
        }
    }

    private int awaitRunning(ConnectClient connect, String name, PrintWriter out, PrintWriter err) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        String last = "no status yet";
        while (System.nanoTime() < deadline) {
            try {
                JsonNode status = connect.status(name);
                last = status.toPrettyString();
                List<JsonNode> failed = new ArrayList<>();
                if (status.path("connector").path("state").asText().equals("FAILED")) {
                    failed.add(status.path("connector"));
                }
                boolean allRunning = status.path("connector").path("state").asText().equals("RUNNING") && status.path("tasks").size() > 0;
                for (JsonNode task : status.path("tasks")) {
                    String state = task.path("state").asText();
                    if (state.equals("FAILED")) {
                        failed.add(task);
                    }
                    allRunning &= state.equals("RUNNING");
                }
                if (!failed.isEmpty()) {
                    err.println("Connector " + name + " FAILED:");
                    failed.forEach(f -> err.println((f.has("id") ? "task " + f.path("id").asInt() : "connector") + " on "
                            + f.path("worker_id").asText() + ":\n" + f.path("trace").asText()));
                    return ExitCodes.FAILED;
                }
                if (allRunning) {
                    out.println("connector " + name + " and its " + status.path("tasks").size() + " task(s) are RUNNING");
                    return ExitCodes.OK;
                }
            }
            catch (ConnectClient.ConnectException | java.io.IOException e) {
                last = e.getMessage();
            }
            Thread.sleep(500);
        }
        err.println("Connector " + name + " not RUNNING after " + timeoutSeconds + " s; last status: " + last);
        return ExitCodes.UNREACHABLE;
    }
}
