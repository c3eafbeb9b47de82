package dev.triad.jobs.export;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Assigns each question id to train or validation by a SHA-256 of the id: the same id lands in the
 * same part in every export, on every machine, whatever else the files hold, so a question never
 * leaks from validation into a later train set. Immutable.
 */
public final class ValidationSplit implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double fraction;

    /**
     * @param fraction the share of question ids that go to validation, in [0, 1)
     */
    public ValidationSplit(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction " + fraction + " is not in [0, 1)");
        }
        this.fraction = fraction;
    }

    public double fraction() {
        return fraction;
    }

    /** Whether the examples of question {@code id} belong to validation. */
    public boolean validation(String id) {
        if (fraction == 0) {
            return false;
        }
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        // The top 53 bits as a uniform double in [0, 1).
        double position = (ByteBuffer.wrap(hash).getLong() >>> 11) * 0x1.0p-53;
        return position < fraction;
    }
}
