package io.outboxconnect.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code outbox-connect}: generate an aggregate's artifacts, register them, report status, replay. */
@Command(name = "outbox-connect", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Puts an aggregate on the transactional outbox: generates its artifacts from a spec, registers them, "
                + "reports their status, replays retained rows.",
        subcommands = {GenerateCommand.class, RegisterCommand.class, StatusCommand.class, ReplayCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line; returns its exit code (for tests and for {@link #main}). */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    /** Runs a command line writing to {@code out} and {@code err}; returns its exit code. */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return new CommandLine(new Main()).setOut(out).setErr(err).execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"outbox-connect " + (version == null ? "(development build)" : version)};
        }
    }
}
