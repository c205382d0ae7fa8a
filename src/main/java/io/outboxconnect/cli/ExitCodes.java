package io.outboxconnect.cli;

/** The exit codes of every command, for scripts. */
final class ExitCodes {

    static final int OK = 0;
    /** The spec is invalid (the problems are printed). */
    static final int INVALID_SPEC = 1;
    /** Wrong command line (picocli's own code). */
    static final int USAGE = 2;
    /** A schema is incompatible or missing, or a status threshold is exceeded. */
    static final int NOT_HEALTHY = 3;
    /** The connector or one of its tasks failed (the worker's trace is printed). */
    static final int FAILED = 4;
    /** Something could not be reached or did not answer in time. */
    static final int UNREACHABLE = 5;
    /** Anything else: an unexpected error, printed with its stack trace (a bug to report). */
    static final int INTERNAL = 6;

    private ExitCodes() {
    }
}
