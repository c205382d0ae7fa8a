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
        return commandLine().execute(args);
    }

    /** Runs a command line writing to {@code out} and {@code err}; returns its exit code. */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return commandLine().setOut(out).setErr(err).execute(args);
    }

    private static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(Main::failed);
    }

    /**
     * What a command threw instead of returning its code: a bad option value (a URL without its
     * scheme, say) is a usage error, told in one line; anything else is unexpected, printed whole.
     * Never exit code 1, which says the spec is invalid.
     */
    private static int failed(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        java.io.PrintWriter err = command.getErr();
        if (e instanceof org.apache.kafka.common.config.ConfigException) { // an option value the client configuration refuses
            err.println(command.getCommandName() + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        err.println(command.getCommandName() + " failed unexpectedly (exit code " + ExitCodes.INTERNAL + "; please report it):");
        e.printStackTrace(err);
        return ExitCodes.INTERNAL;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"outbox-connect " + (version == null ? "(development build)" : version)};
        }
    }
}
