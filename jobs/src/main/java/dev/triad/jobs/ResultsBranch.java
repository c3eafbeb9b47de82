package dev.triad.jobs;

import dev.triad.schemas.Result;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * More operators a {@link TriadJob} hangs off its results stream, beside the results sink: e.g. the
 * training examples of {@code run --export}. Called once, while the job graph is built.
 */
@FunctionalInterface
public interface ResultsBranch {

    /** Adds the branch's operators (named, with stable uids) to {@code results}. */
    void addTo(DataStream<Result> results);
}
