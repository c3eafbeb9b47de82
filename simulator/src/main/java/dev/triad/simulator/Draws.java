package dev.triad.simulator;

import dev.triad.model.CallContext;

/**
 * Deterministic random draws for simulated models: every draw is a pure function of the model's
 * seed, the call's identity (question id, strategy, purpose, step, attempt, retry) and a salt that
 * says which decision it is for. No shared {@link java.util.Random} sequence exists, so replies do
 * not depend on the order calls arrive in.
 *
 * <p>Threading: stateless; safe from any thread.
 */
final class Draws {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private static final double UNIT = 0x1.0p-53;

    private Draws() {}

    /** The hash identifying one call; salts then derive independent draws from it. */
    static long callHash(long seed, CallContext context) {
        long h = mix(seed ^ GOLDEN);
        h = mix(h ^ (context.question() == null ? 0 : stringHash(context.questionId())));
        String strategy = context.strategy();
        h = mix(h + (strategy == null ? 0 : strategy.hashCode()));
        String purpose = context.purposeKey();
        h = mix(h + (purpose == null ? 0 : purpose.hashCode()));
        h = mix(h + (((long) context.step()) << 42));
        h = mix(h + (((long) context.attempt()) << 21));
        return mix(h + context.retry());
    }

    /** A uniform draw in [0, 1) for one decision of a call. */
    static double unit(long callHash, int salt) {
        return (mix(callHash + GOLDEN * salt) >>> 11) * UNIT;
    }

    /** A uniform integer in [0, bound) for one decision of a call. */
    static int index(long callHash, int salt, int bound) {
        return (int) (unit(callHash, salt) * bound);
    }

    /** A 64-bit hash of a string's characters (String.hashCode has only 32 bits). */
    static long stringHash(String text) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0, n = text.length(); i < n; i++) {
            h = (h ^ text.charAt(i)) * 0x100000001B3L;
        }
        return h;
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
