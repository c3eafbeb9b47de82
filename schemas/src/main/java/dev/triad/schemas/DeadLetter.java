package dev.triad.schemas;

/**
 * An input record that could not become a {@link Question}, kept verbatim with the reason. Mirrors
 * {@code schemas/dead-letter.schema.json}.
 *
 * @param raw the input exactly as read; for input that is not valid UTF-8, its bytes as base64 (the
 *     reason says so, with the offset of the first bad byte)
 * @param reason what was wrong and what to do
 * @param stage where it failed: {@code parse}, {@code map}, {@code validate} or {@code dedupe}
 * @param source where it came from: {@code file:line}, or topic/partition/offset
 */
public record DeadLetter(String raw, String reason, String stage, String source) {}
