package dev.triad.jobs.io;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;

/**
 * Hands out file splits in path order, so that a folder is read in the same order on every run
 * (Flink's default assigner follows the file system's listing order, and its simple one reverses
 * it). With one reader, {@code --limit N} then always keeps the same N questions.
 *
 * <p>Splits added later (files discovered while watching a folder, or splits handed back by a
 * failed reader) join the queue at their place in path order.
 */
public final class InOrderSplitAssigner implements FileSplitAssigner {

    private static final Comparator<FileSourceSplit> ORDER =
            Comparator.comparing((FileSourceSplit s) -> s.path().toString())
                    .thenComparingLong(FileSourceSplit::offset)
                    .thenComparing(FileSourceSplit::splitId);

    private final TreeSet<FileSourceSplit> pending = new TreeSet<>(ORDER);

    /** An assigner starting with {@code splits}. */
    public InOrderSplitAssigner(Collection<FileSourceSplit> splits) {
        pending.addAll(splits);
    }

    /** The provider for {@code FileSource.Builder#setSplitAssigner}. */
    public static Provider provider() {
        return InOrderSplitAssigner::new;
    }

    @Override
    public Optional<FileSourceSplit> getNext(String hostname) {
        return Optional.ofNullable(pending.pollFirst());
    }

    @Override
    public void addSplits(Collection<FileSourceSplit> splits) {
        pending.addAll(splits);
    }

    @Override
    public Collection<FileSourceSplit> remainingSplits() {
        return new ArrayList<>(pending);
    }

    @Override
    public String toString() {
        return "InOrderSplitAssigner " + pending;
    }
}
