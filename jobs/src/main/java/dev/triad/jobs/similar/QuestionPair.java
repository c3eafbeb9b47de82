package dev.triad.jobs.similar;

/**
 * Two questions whose embeddings' cosine similarity reached the threshold: a {@link DuplicatePair}
 * within one input, or a {@link ContaminationPair} across a training and a test input. The JSON of
 * each names its sides ({@code first}/{@code second}, {@code train}/{@code test}).
 */
public sealed interface QuestionPair
        permits QuestionPair.DuplicatePair, QuestionPair.ContaminationPair {

    /** Cosine similarity, up to 1. */
    double score();

    /** The side read first (the training question across two inputs). */
    PairSide one();

    /** The other side (the test question across two inputs). */
    PairSide other();

    /**
     * Two near-duplicate questions of one input.
     *
     * @param score cosine similarity
     * @param first the one read first
     * @param second the one read later
     */
    record DuplicatePair(double score, PairSide first, PairSide second) implements QuestionPair {
        @Override
        public PairSide one() {
            return first;
        }

        @Override
        public PairSide other() {
            return second;
        }
    }

    /**
     * A test question with a near copy in the training input.
     *
     * @param score cosine similarity
     * @param train the training question
     * @param test the test question
     */
    record ContaminationPair(double score, PairSide train, PairSide test) implements QuestionPair {
        @Override
        public PairSide one() {
            return train;
        }

        @Override
        public PairSide other() {
            return test;
        }
    }
}
