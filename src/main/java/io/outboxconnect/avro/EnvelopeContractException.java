package io.outboxconnect.avro;

import org.apache.kafka.common.config.ConfigException;

/**
 * A schema that does not fit the event envelope (or aggregate) contract: a configuration
 * error, never bad data, so the task fails with this message instead of publishing.
 */
public class EnvelopeContractException extends ConfigException {

    private static final long serialVersionUID = 1L;

    public EnvelopeContractException(String message) {
        super(message);
    }
}
