package dev.triad.reasoning;

import dev.triad.schemas.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable journal of the model replies one reasoning subtask received, so that a call that
 * completed after the last checkpoint is not paid for again after a failure.
 *
 * <p><b>How it works.</b> A reply that comes back from a remote model is appended here before the
 * operator applies it (the reply's mail waits for the write); a writer thread groups the replies
 * that arrive together into one write (group commit). When the job starts again after a failure
 * (from a checkpoint, or from the beginning when none had completed, e.g. while a bounded input's
 * last questions drained), every subtask reads the journal's files and keeps the entries whose keys
 * it now owns (any parallelism). Before making a call the operator looks for its reply here ({@link
 * #take}): a restored pending call, the calls that follow from a replayed reply, and the calls of
 * questions read again from the input. A hit is applied at once. What remains are the calls that
 * were in flight at the failure: only those are made again.
 *
 * <p><b>Where it lives.</b> A folder on any Flink file system, given as {@code reply-journal}: by
 * default next to the run's checkpoints, so it outlives the TaskManager that wrote it. On a file
 * system that can sync (local disks, NFS, HDFS) a writer appends to one file per checkpoint
 * interval and syncs each group; on an object store (S3, GCS, Azure), where an object exists only
 * once it is closed, each group is its own object.
 *
 * <p><b>Trimming.</b> A file is deleted when a checkpoint completes that holds every reply in it
 * (each reply was applied before that checkpoint's snapshot); the files of an earlier attempt or
 * run are deleted when a checkpoint completes after every reply this subtask read from them was
 * used (the checkpoint holds what was replayed).
 *
 * <p>Threading: {@link #append} from any thread; everything else on the task thread. A journal that
 * cannot be written is logged and the reply applied anyway: the run goes on, only without the
 * guarantee for that reply.
 */
final class ReplyJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyJournal.class);
    private static final String SUFFIX = ".jsonl";
    private static final int MAX_GROUP = 1024;
    private static final long CLOSE_WAIT_MS = 10_000;

    private final FileSystem fs;
    private final Path dir;
    private final String writerName;
    private final boolean syncable;
    private final Map<String, JournalEntry> recovered;
    private final List<Path> earlierFiles;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final List<Segment> segments = new ArrayList<>(); // writer thread only
    private final Thread writer;
    private Segment current; // writer thread only
    private int nextSegment; // writer thread only
    private boolean earlierFilesDeleted; // task thread
    private volatile boolean failed;

    private ReplyJournal(
            FileSystem fs,
            Path dir,
            String writerName,
            Map<String, JournalEntry> recovered,
            List<Path> earlierFiles) {
        this.fs = fs;
        this.dir = dir;
        this.writerName = writerName;
        this.syncable = canSync(dir);
        this.recovered = recovered;
        this.earlierFiles = earlierFiles;
        this.writer = new Thread(this::writeLoop, "triad-reply-journal-" + writerName);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Opens the journal in {@code dir} for one subtask attempt.
     *
     * @param dir the journal's folder (a path or a URI of any Flink file system); created if
     *     missing
     * @param attempt names this attempt of the job (its job id and attempt number): files of other
     *     attempts are read on restore and deleted after the next completed checkpoint
     * @param subtask this subtask's index
     * @param owns whether this subtask owns a key (its key group is in this subtask's range)
     * @throws IOException when the folder cannot be listed or created, or an earlier file read
     */
    static ReplyJournal open(String dir, String attempt, int subtask, Predicate<String> owns)
            throws IOException {
        Path path = new Path(dir);
        FileSystem fs = path.getFileSystem();
        fs.mkdirs(path);
        String attemptPrefix = attempt + "-";
        List<Path> earlierFiles = new ArrayList<>();
        Map<String, JournalEntry> recovered = new HashMap<>();
        int torn = 0;
        FileStatus[] files = fs.listStatus(path);
        for (FileStatus file : files == null ? new FileStatus[0] : files) {
            String name = file.getPath().getName();
            if (file.isDir() || !name.endsWith(SUFFIX) || name.startsWith(attemptPrefix)) {
                continue;
            }
            earlierFiles.add(file.getPath());
            torn += read(fs, file.getPath(), owns, recovered);
        }
        if (!earlierFiles.isEmpty()) {
            LOG.info(
                    "Reply journal {}: {} replies from {} earlier files for subtask {}{}",
                    dir,
                    recovered.size(),
                    earlierFiles.size(),
                    subtask,
                    torn == 0 ? "" : " (" + torn + " torn lines skipped)");
        }
        String writerName =
                attemptPrefix + subtask + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new ReplyJournal(fs, path, writerName, recovered, earlierFiles);
    }

    /** Reads one journal file into {@code into}; returns the number of lines it could not read. */
    private static int read(
            FileSystem fs, Path file, Predicate<String> owns, Map<String, JournalEntry> into)
            throws IOException {
        int torn = 0;
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JournalEntry entry;
                try {
                    entry = Json.read(line, JournalEntry.class);
                } catch (RuntimeException e) {
                    torn++; // the last line of a writer that died mid-write
                    continue;
                }
                if (entry.key() != null && owns.test(entry.key())) {
                    into.put(entry.id(), entry);
                }
            }
        }
        return torn;
    }

    /** Replies read on restore and not yet taken. */
    int recoveredCount() {
        return recovered.size();
    }

    /** The recovered reply to exactly this call and request, removed from the journal's memory. */
    JournalEntry take(String key, PendingCall call, dev.triad.model.ModelRequest request) {
        if (recovered.isEmpty()) {
            return null;
        }
        return recovered.remove(
                new JournalEntry(key, JournalEntry.callOf(call), JournalEntry.digest(request), null)
                        .id());
    }

    /**
     * Appends a reply; the future completes, with the segment it is in, once the reply is durable
     * (or, when the journal cannot be written, at once with {@code null}).
     */
    CompletableFuture<Segment> append(JournalEntry entry) {
        CompletableFuture<Segment> done = new CompletableFuture<>();
        if (failed) {
            done.complete(null);
        } else {
            queue.add(new Write(entry, done));
        }
        return done;
    }

    /** The reply written in {@code segment} was applied (or found stale) in {@code epoch}. */
    void applied(Segment segment, long epoch) {
        if (segment != null) {
            segment.appliedEpoch = Math.max(segment.appliedEpoch, epoch);
            segment.unapplied.decrementAndGet();
        }
    }

    /** A checkpoint's snapshot was taken: later replies go to a new file. */
    void checkpointTaken() {
        queue.add(Roll.INSTANCE);
    }

    /** Checkpoint {@code checkpointId} completed: deletes the files it made unnecessary. */
    void checkpointCompleted(long checkpointId) {
        // Earlier files go once every reply read from them was used: until then a second failure
        // needs them again.
        queue.add(new Trim(checkpointId, !earlierFilesDeleted && recovered.isEmpty()));
        earlierFilesDeleted |= recovered.isEmpty();
    }

    @Override
    public void close() throws InterruptedException {
        queue.add(Stop.INSTANCE);
        writer.join(CLOSE_WAIT_MS);
    }

    // ---- writer thread ----

    private void writeLoop() {
        List<Object> group = new ArrayList<>();
        List<Write> writes = new ArrayList<>();
        try {
            while (true) {
                group.add(queue.take());
                queue.drainTo(group, MAX_GROUP);
                for (Object item : group) {
                    if (item instanceof Write write) {
                        writes.add(write);
                        continue;
                    }
                    flush(writes);
                    if (item instanceof Roll) {
                        closeCurrent();
                    } else if (item instanceof Trim trim) {
                        trim(trim.checkpointId, trim.earlierFiles);
                    } else if (item instanceof Barrier barrier) {
                        barrier.done.complete(null);
                    } else if (item instanceof Stop) {
                        closeCurrent();
                        return;
                    }
                }
                flush(writes);
                group.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Nobody waits forever for a reply: what is still queued is applied without the
            // journal.
            for (Write write : writes) {
                write.done.complete(null);
            }
            for (Object item : queue) {
                if (item instanceof Write write) {
                    write.done.complete(null);
                }
            }
        }
    }

    private void flush(List<Write> writes) {
        if (writes.isEmpty()) {
            return;
        }
        Segment segment = null;
        try {
            if (current == null) {
                Segment opened =
                        new Segment(
                                new Path(
                                        dir,
                                        writerName
                                                + "-"
                                                + String.format("%06d", nextSegment++)
                                                + SUFFIX));
                opened.out = fs.create(opened.path, FileSystem.WriteMode.NO_OVERWRITE);
                segments.add(opened);
                current = opened;
            }
            segment = current;
            StringBuilder lines = new StringBuilder(writes.size() * 512);
            for (Write write : writes) {
                lines.append(Json.write(write.entry)).append('\n');
            }
            segment.unapplied.addAndGet(writes.size());
            segment.out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
            if (syncable) {
                segment.out.flush();
                segment.out.sync();
            } else {
                closeCurrent(); // an object exists once closed: one object per group
            }
        } catch (IOException | RuntimeException e) {
            if (!failed) {
                LOG.warn(
                        "Cannot write the reply journal in {}; replies are applied without it from"
                                + " now on, so a failure may make completed calls again",
                        dir,
                        e);
            }
            failed = true;
            segment = null;
        }
        for (Write write : writes) {
            write.done.complete(segment);
        }
        writes.clear();
    }

    private void closeCurrent() {
        if (current == null || current.out == null) {
            current = null;
            return;
        }
        try {
            current.out.close();
        } catch (IOException e) {
            LOG.warn("Cannot close reply journal file {}", current.path, e);
        }
        current.closed = true;
        current.out = null;
        current = null;
    }

    private void trim(long checkpointId, boolean andEarlierFiles) {
        List<Segment> kept = new ArrayList<>();
        for (Segment segment : segments) {
            if (segment.closed
                    && segment.unapplied.get() <= 0
                    && segment.appliedEpoch <= checkpointId) {
                delete(segment.path);
            } else {
                kept.add(segment);
            }
        }
        segments.clear();
        segments.addAll(kept);
        if (andEarlierFiles) {
            earlierFiles.forEach(this::delete);
        }
    }

    private void delete(Path file) {
        try {
            fs.delete(file, false);
        } catch (IOException e) {
            LOG.warn("Cannot delete reply journal file {}", file, e);
        }
    }

    private static boolean canSync(Path dir) {
        String scheme = dir.toUri().getScheme();
        return scheme == null
                || scheme.equals("file")
                || scheme.equals("hdfs")
                || scheme.equals("viewfs");
    }

    /** One journal file with what it takes to know when it can go. */
    static final class Segment {
        final Path path;
        final AtomicInteger unapplied = new AtomicInteger();
        volatile long appliedEpoch;
        volatile boolean closed;
        FSDataOutputStream out;

        Segment(Path path) {
            this.path = path;
        }
    }

    private record Write(JournalEntry entry, CompletableFuture<Segment> done) {}

    private record Trim(long checkpointId, boolean earlierFiles) {}

    private record Barrier(CompletableFuture<Void> done) {}

    private enum Roll {
        INSTANCE
    }

    private enum Stop {
        INSTANCE
    }

    /** Completes when the writer has done everything asked of it before this call. */
    CompletableFuture<Void> idle() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Barrier(done));
        return done;
    }

    // Visible for tests.
    String writerName() {
        return writerName;
    }
}
