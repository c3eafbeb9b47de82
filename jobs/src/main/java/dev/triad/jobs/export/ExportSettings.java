package dev.triad.jobs.export;

import dev.triad.model.Role;
import java.io.Serializable;
import java.util.Objects;

/**
 * What an export writes: the format, the role whose calls become examples, which questions are
 * kept, the split and the rewards. Built with {@link #builder(ExportFormat)}; immutable.
 */
public final class ExportSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Which results' traces are used. */
    public enum Keep {
        /**
         * Questions whose final answer is correct when the result has a gold answer; without gold,
         * those SOLVED with every step accepted by the verifier (none kept unverified).
         */
        CORRECT,
        /** Every lm2 result, whatever its outcome (labels and pairs still come from verdicts). */
        ALL
    }

    /** Where each example's {@code metadata} object goes. */
    public enum Metadata {
        /** In the example, as its {@code metadata} field (TRL keeps extra columns). */
        INLINE,
        /**
         * In {@code FILE.metadata.jsonl} beside the examples, line by line, so the examples hold
         * only the format's own fields (for uploads that refuse unknown fields).
         */
        SIDECAR
    }

    /** The default share of question ids in validation. */
    public static final double DEFAULT_VALIDATION_FRACTION = 0.05;

    private final ExportFormat format;
    private final Role role;
    private final Keep keep;
    private final int minSteps;
    private final boolean dedupe;
    private final ValidationSplit split;
    private final StepRewards rewards;
    private final boolean allowSimulated;
    private final Metadata metadata;

    private ExportSettings(Builder b) {
        this.format = b.format;
        this.role = b.role;
        this.keep = b.keep;
        this.minSteps = b.minSteps;
        this.dedupe = b.dedupe;
        this.split = new ValidationSplit(b.validationFraction);
        this.rewards = b.rewards;
        this.allowSimulated = b.allowSimulated;
        this.metadata = b.metadata;
    }

    /** Where each example's metadata goes. */
    public Metadata metadata() {
        return metadata;
    }

    /** Settings for {@code format}, decomposer examples of correct questions by default. */
    public static Builder builder(ExportFormat format) {
        return new Builder(format);
    }

    public ExportFormat format() {
        return format;
    }

    public Role role() {
        return role;
    }

    public Keep keep() {
        return keep;
    }

    /** The fewest accepted steps a kept question has. */
    public int minSteps() {
        return minSteps;
    }

    /** Whether identical examples are written once. */
    public boolean dedupe() {
        return dedupe;
    }

    public ValidationSplit split() {
        return split;
    }

    public StepRewards rewards() {
        return rewards;
    }

    /** Whether results of simulated models may be exported (each example then says so). */
    public boolean allowSimulated() {
        return allowSimulated;
    }

    /** Builds {@link ExportSettings}. */
    public static final class Builder {
        private final ExportFormat format;
        private Role role = Role.DECOMPOSER;
        private Keep keep = Keep.CORRECT;
        private int minSteps = 1;
        private boolean dedupe = true;
        private double validationFraction = DEFAULT_VALIDATION_FRACTION;
        private StepRewards rewards = StepRewards.lm2Defaults();
        private boolean allowSimulated;
        private Metadata metadata = Metadata.INLINE;

        Builder(ExportFormat format) {
            this.format = Objects.requireNonNull(format, "format");
        }

        public Builder role(Role role) {
            this.role = Objects.requireNonNull(role, "role");
            return this;
        }

        public Builder keep(Keep keep) {
            this.keep = Objects.requireNonNull(keep, "keep");
            return this;
        }

        public Builder minSteps(int minSteps) {
            this.minSteps = minSteps;
            return this;
        }

        public Builder dedupe(boolean dedupe) {
            this.dedupe = dedupe;
            return this;
        }

        public Builder validationFraction(double fraction) {
            this.validationFraction = fraction;
            return this;
        }

        public Builder rewards(StepRewards rewards) {
            this.rewards = Objects.requireNonNull(rewards, "rewards");
            return this;
        }

        public Builder metadata(Metadata where) {
            this.metadata = Objects.requireNonNull(where, "metadata");
            return this;
        }

        public Builder allowSimulated(boolean allow) {
            this.allowSimulated = allow;
            return this;
        }

        /**
         * @throws IllegalArgumentException when the format has no examples for the role, the
         *     minimum steps is negative or the validation fraction is not in [0, 1)
         */
        public ExportSettings build() {
            if (!format.roles().contains(role)) {
                throw new IllegalArgumentException(
                        format
                                + " examples come from the decomposer's steps only (the verifier's"
                                + " rejections and the rewrites after them); use --role"
                                + " decomposer, or openai-sft / trl-sft for the "
                                + role.key());
            }
            if (minSteps < 0) {
                throw new IllegalArgumentException(
                        "--min-steps " + minSteps + " is negative; give 0 or more");
            }
            if (!(validationFraction >= 0 && validationFraction < 1)) {
                throw new IllegalArgumentException(
                        "--validation "
                                + validationFraction
                                + " is not a fraction in [0, 1), e.g. 0.05 for 5% of the"
                                + " question ids");
            }
            return new ExportSettings(this);
        }
    }
}
