package dev.triad.embed;

/**
 * Two texts whose cosine similarity reached a threshold, by their positions in the lists searched.
 *
 * @param left position in the first list (within one list: the earlier of the two)
 * @param right position in the second list (within one list: the later of the two)
 * @param score cosine similarity, from -1 to 1
 */
public record SimilarPair(int left, int right, double score) {}
