package dev.triad.model;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * How a {@link RetryingChatModel} retries a call that failed with a retriable {@link
 * ModelCallException}: at most {@link #maxAttempts()} tries in all, the first included; before try
 * {@code n + 1} an exponential backoff with jitter, {@code cap = min(max, initial × multiplier^(n −
 * 1))} and a delay drawn from {@code [cap × (1 − jitter), cap]} ({@code jitter = 1}: full jitter,
 * the default), and never less than the failure's {@code Retry-After}; no try that would start
 * after the call's {@link #budget()} (when set).
 *
 * <p>{@link #attemptsOption()} and {@link #budgetOption()} name what a user changes to raise the
 * limits (e.g. {@code attempts=N in the openai: binding}); the message of a call that gave up
 * quotes them. Immutable, serialisable and thread-safe; {@link #builder()} checks every setting.
 */
@PublicEvolving
public final class RetryPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final double DEFAULT_JITTER = 1.0;
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

    /** No budget: only the attempts bound a call. */
    public static final Duration NO_BUDGET = Duration.ZERO;

    private final int maxAttempts;
    private final long initialBackoffNanos;
    private final double multiplier;
    private final double jitter;
    private final long maxBackoffNanos;
    private final long budgetNanos;
    private final String attemptsOption;
    private final String budgetOption;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoffNanos = b.initialBackoff.toNanos();
        this.multiplier = b.multiplier;
        this.jitter = b.jitter;
        this.maxBackoffNanos = b.maxBackoff.toNanos();
        this.budgetNanos = b.budget.toNanos();
        this.attemptsOption = b.attemptsOption;
        this.budgetOption = b.budgetOption;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One try, no retries. */
    public static RetryPolicy none() {
        return builder().maxAttempts(1).build();
    }

    /** Tries per call, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return Duration.ofNanos(initialBackoffNanos);
    }

    public double multiplier() {
        return multiplier;
    }

    public double jitter() {
        return jitter;
    }

    public Duration maxBackoff() {
        return Duration.ofNanos(maxBackoffNanos);
    }

    /** The most time from a call's start to the start of its last try; {@link #NO_BUDGET}: none. */
    public Duration budget() {
        return Duration.ofNanos(budgetNanos);
    }

    long budgetNanos() {
        return budgetNanos;
    }

    /** What raises {@link #maxAttempts()}, e.g. {@code attempts=N in the openai: binding}. */
    public String attemptsOption() {
        return attemptsOption;
    }

    /** What raises {@link #budget()}, e.g. {@code budget=DURATION in the openai: binding}. */
    public String budgetOption() {
        return budgetOption;
    }

    /**
     * The wait before try {@code failedAttempts + 1}, in nanoseconds.
     *
     * @param failedAttempts tries made so far (from 1)
     * @param retryAfterNanos the least wait the model asked for, or 0
     * @param random a number in {@code [0, 1)} drawing the jitter
     */
    public long delayNanos(int failedAttempts, long retryAfterNanos, double random) {
        double cap = initialBackoffNanos * Math.pow(multiplier, failedAttempts - 1);
        cap = Math.min(cap, maxBackoffNanos);
        long backoff = (long) (cap * (1 - jitter * random));
        return Math.max(backoff, retryAfterNanos);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetryPolicy p
                && maxAttempts == p.maxAttempts
                && initialBackoffNanos == p.initialBackoffNanos
                && multiplier == p.multiplier
                && jitter == p.jitter
                && maxBackoffNanos == p.maxBackoffNanos
                && budgetNanos == p.budgetNanos
                && attemptsOption.equals(p.attemptsOption)
                && budgetOption.equals(p.budgetOption);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                maxAttempts,
                initialBackoffNanos,
                multiplier,
                jitter,
                maxBackoffNanos,
                budgetNanos,
                attemptsOption,
                budgetOption);
    }

    @Override
    public String toString() {
        return "RetryPolicy[attempts "
                + maxAttempts
                + ", backoff "
                + initialBackoff().toMillis()
                + " ms × "
                + multiplier
                + " up to "
                + maxBackoff().toMillis()
                + " ms, jitter "
                + jitter
                + (budgetNanos > 0 ? ", budget " + budget().toMillis() + " ms" : "")
                + "]";
    }

    /** Builds a {@link RetryPolicy}; not thread-safe. */
    @PublicEvolving
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private double multiplier = DEFAULT_MULTIPLIER;
        private double jitter = DEFAULT_JITTER;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private Duration budget = NO_BUDGET;
        private String attemptsOption = "the retry policy's maxAttempts";
        private String budgetOption = "the retry policy's budget";

        Builder() {}

        /** Tries per call, the first included; at least 1. */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Exponential backoff: {@code initial × multiplier^(n − 1)}, at most {@code max}, of which
         * a fraction {@code jitter} is drawn at random (1: full jitter).
         */
        public Builder backoff(Duration initial, double multiplier, double jitter, Duration max) {
            this.initialBackoff = initial;
            this.multiplier = multiplier;
            this.jitter = jitter;
            this.maxBackoff = max;
            return this;
        }

        /** The most time from a call's start to the start of its last try; zero for none. */
        public Builder budget(Duration budget) {
            this.budget = budget;
            return this;
        }

        /**
         * What a user changes to raise the attempts and the budget, quoted when a call gives up.
         */
        public Builder options(String attemptsOption, String budgetOption) {
            this.attemptsOption = Objects.requireNonNull(attemptsOption, "attemptsOption");
            this.budgetOption = Objects.requireNonNull(budgetOption, "budgetOption");
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the setting, the rule and the value
         */
        public RetryPolicy build() {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException(
                        "attempts must be at least 1 (the first try included), was " + maxAttempts);
            }
            requirePositive("initial backoff", initialBackoff);
            requirePositive("max backoff", maxBackoff);
            if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException(
                        "backoff multiplier must be at least 1, was " + multiplier);
            }
            if (!(jitter >= 0 && jitter <= 1)) {
                throw new IllegalArgumentException(
                        "backoff jitter must be in [0, 1] (1: full jitter), was " + jitter);
            }
            if (budget == null || budget.isNegative()) {
                throw new IllegalArgumentException(
                        "budget must be zero (none) or a positive duration, was " + budget);
            }
            return new RetryPolicy(this);
        }

        private static void requirePositive(String key, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(key + " must be a positive duration, was " + d);
            }
        }
    }
}
