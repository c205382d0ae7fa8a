package io.outboxconnect.e2e;

/** The worker-kill scenario on an at-least-once worker ({@code exactly.once.source.support=disabled}): duplicates are reported, none lost. */
class OutboxFaultsAtLeastOnceIT extends OutboxFaultScenarios {

    @Override
    boolean exactlyOnce() {
        return false;
    }
}
