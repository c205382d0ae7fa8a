package io.outboxconnect.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

import io.outboxconnect.generator.AggregateSpec;
import io.outboxconnect.generator.AggregateSpecReader;
import io.outboxconnect.generator.InvalidSpecException;
import picocli.CommandLine.Option;

/** {@code --spec FILE}, shared by the commands that act on one aggregate. */
final class SpecOption {

    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The aggregate spec (YAML or JSON).")
    Path file;

    /** The spec, or null after printing its problems. */
    AggregateSpec read(PrintWriter err) throws IOException {
        try {
            return AggregateSpecReader.read(file);
        }
        catch (InvalidSpecException e) {
            err.println(e.getMessage());
            return null;
        }
    }
}
