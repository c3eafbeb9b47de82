package dev.triad.jobs.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.flink.connector.file.src.FileSource;

/**
 * Builds the {@link FileSource} for JSONL inputs (a file, a folder, or a folder watched for new
 * files) and counts input lines up front for progress reporting.
 *
 * <p>Which files are read follows Flink's defaults: a folder is read recursively, and files whose
 * names start with {@code .} or {@code _} are skipped (they are in-progress or marker files). Files
 * are read one after another in path order ({@link InOrderSplitAssigner}).
 */
public final class JsonlFiles {

    private JsonlFiles() {}

    /**
     * A bounded source reading a file or every file in a folder once.
     *
     * @param input a file or a folder
     */
    public static FileSource<SourceLine> source(Path input) {
        return FileSource.forBulkFileFormat(new JsonlLineFormat(), flinkPath(input))
                .setSplitAssigner(InOrderSplitAssigner.provider())
                .build();
    }

    /**
     * An unbounded source watching a folder: files present at the start and every file added later
     * are read once each.
     *
     * @param folder the folder to watch
     * @param discoveryInterval how often to look for new files
     */
    public static FileSource<SourceLine> watching(Path folder, Duration discoveryInterval) {
        return FileSource.forBulkFileFormat(new JsonlLineFormat(), flinkPath(folder))
                .setSplitAssigner(InOrderSplitAssigner.provider())
                .monitorContinuously(discoveryInterval)
                .build();
    }

    private static org.apache.flink.core.fs.Path flinkPath(Path path) {
        return new org.apache.flink.core.fs.Path(path.toAbsolutePath().normalize().toUri());
    }

    /**
     * The files a source on {@code input} reads, in name order: the file itself, or the non-hidden
     * files under the folder.
     */
    public static List<Path> inputFiles(Path input) {
        if (!Files.isDirectory(input)) {
            return List.of(input);
        }
        try (Stream<Path> walk = Files.walk(input)) {
            List<Path> files = new ArrayList<>();
            walk.filter(Files::isRegularFile)
                    .filter(p -> !hiddenBelow(input, p))
                    .sorted(Comparator.comparing(Path::toString))
                    .forEach(files::add);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the files in " + input, e);
        }
    }

    private static boolean hiddenBelow(Path root, Path file) {
        for (Path part : root.relativize(file)) {
            String name = part.toString();
            if (name.startsWith(".") || name.startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Counts the non-blank lines of a file or folder (what the job will turn into questions or dead
     * letters). Reads bytes only, so it is fast; {@code .gz} files are decompressed.
     */
    public static long countLines(Path input) {
        long total = 0;
        for (Path file : inputFiles(input)) {
            total += countLinesOfFile(file);
        }
        return total;
    }

    /** The bytes of a JSONL file, decompressed when its name ends with {@code .gz}. */
    public static InputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        return file.getFileName().toString().endsWith(".gz")
                ? new GZIPInputStream(new BufferedInputStream(raw))
                : raw;
    }

    private static long countLinesOfFile(Path file) {
        try (InputStream in = open(file)) {
            byte[] buffer = new byte[1 << 16];
            long lines = 0;
            boolean blank = true;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        if (!blank) {
                            lines++;
                        }
                        blank = true;
                    } else if (b != ' ' && b != '\t' && b != '\r') {
                        blank = false;
                    }
                }
            }
            return blank ? lines : lines + 1;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + " to count its lines", e);
        }
    }
}
