package io.outboxconnect.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.outboxconnect.generator.AggregateSpec;
import io.outboxconnect.generator.AggregateSpecReader;
import io.outboxconnect.generator.ArtifactGenerator;
import io.outboxconnect.generator.InvalidSpecException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Writes an aggregate's artifacts from its spec: the outbox migration, the connector JSON and its companion "
                + "document, both Avro schemas, the topic document and the Strimzi resources. The same spec gives byte-identical files.",
                "Exit codes: 0 done, 1 invalid spec, 2 usage error, 6 unexpected error."})
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Option(names = "--spec", paramLabel = "FILE",
            description = "The aggregate spec (YAML or JSON). Without it, on a terminal, seed 000's questions are asked and the answers "
                    + "written to connector-configs/specs/{domain}-{aggregate}.yaml under --output.")
    Path spec;

    @Option(names = "--output", paramLabel = "DIR", defaultValue = ".",
            description = "The root to write under (schemas/, connector-configs/...); default: ${DEFAULT-VALUE}.")
    Path output;

    @Option(names = "--dry-run", description = "Print the derived names and the integration checklist; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        if (spec == null) {
            Console console = System.console();
            if (console == null) {
                err.println("--spec is required when not on a terminal (the interactive mode asks its questions on a terminal)");
                return ExitCodes.USAGE;
            }
            spec = interview(new BufferedReader(console.reader()), console.writer(), err);
            if (spec == null) {
                return ExitCodes.USAGE;
            }
        }
        AggregateSpec aggregate;
        try {
            aggregate = AggregateSpecReader.read(spec);
        }
        catch (InvalidSpecException e) {
            err.println(e.getMessage());
            return ExitCodes.INVALID_SPEC;
        }
        if (dryRun) {
            out.println(ArtifactGenerator.derivedNames(aggregate));
            out.println(ArtifactGenerator.checklist(aggregate, output));
            out.println("Would write under " + output.toAbsolutePath().normalize() + ":");
            ArtifactGenerator.artifacts(aggregate, output).keySet().forEach(f -> out.println("  " + f));
            return ExitCodes.OK;
        }
        for (String line : ArtifactGenerator.write(aggregate, output)) {
            out.println(line);
        }
        return ExitCodes.OK;
    }

    /** The interactive mode: asks, writes the spec it built, returns its path (null when the input ended). */
    Path interview(BufferedReader in, PrintWriter out, PrintWriter err) throws IOException {
        String yaml;
        try {
            yaml = new InteractiveSpec(in, out).ask();
        }
        catch (InteractiveSpec.Abandoned e) {
            err.println("No spec written: " + e.getMessage());
            return null;
        }
        JsonNode answers = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        Path file = output.resolve("connector-configs/specs/" + answers.path("domain").asText() + "-" + answers.path("aggregate").asText() + ".yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "# Written by outbox-connect generate (interactive); edit it and run generate --spec " + file + "\n" + yaml);
        out.println("wrote the spec " + file);
        return file;
    }
}
