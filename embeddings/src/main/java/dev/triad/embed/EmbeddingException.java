package dev.triad.embed;

/** An embedding model call that failed (the model's own fault, not the text's). */
public final class EmbeddingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure with its cause. */
    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
