package dev.triad.reasoning;

import org.apache.flink.annotation.PublicEvolving;

/**
 * A model reply that is not the JSON its prompt asked for. The operator asks again a bounded number
 * of times, then ends the question FAILED with the raw reply in its trace.
 */
@PublicEvolving
public class ReplyFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public ReplyFormatException(String message) {
        super(message);
    }
}
