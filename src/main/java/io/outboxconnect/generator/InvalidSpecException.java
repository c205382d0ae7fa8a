package io.outboxconnect.generator;

import java.util.List;

/** An aggregate spec that cannot be generated from; lists every problem found, each with its path in the spec. */
public final class InvalidSpecException extends Exception {

    private final List<String> problems;

    public InvalidSpecException(String source, List<String> problems) {
        super("Invalid aggregate spec " + source + ":\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
