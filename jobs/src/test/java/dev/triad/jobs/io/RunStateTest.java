package dev.triad.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStateTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    @TempDir Path dir;

    private static RunState.Marker marker(String input, List<String> strategies, Long limit) {
        return new RunState.Marker(input, "triad", strategies, limit, "out/run", T0, false);
    }

    @Test
    void noMarkerMeansNothingIsUnfinished() throws IOException {
        assertThat(RunState.in(dir.resolve(".triad")).marker()).isEmpty();
    }

    @Test
    void aMarkerReadsBackAsWritten() throws IOException {
        RunState state = RunState.in(dir.resolve(".triad"));
        RunState.Marker written = marker("in.jsonl", List.of("lm2", "cot"), 50L);

        state.writeMarker(written);

        assertThat(state.marker()).contains(written);
        state.writeMarker(written.finished());
        assertThat(state.marker().orElseThrow().jobFinished()).isTrue();
        assertThat(marker("in.jsonl", List.of("cot"), null).finished().limit()).isNull();
    }

    @Test
    void aMarkerThatIsNotOneIsAnErrorNamingTheFile() throws IOException {
        RunState state = RunState.in(dir);
        Files.writeString(state.markerFile(), "{\"input\": \"x\"}");

        assertThatThrownBy(state::marker)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(state.markerFile().toString())
                .hasMessageContaining("'strategies' is missing");
    }

    @Test
    void differencesNameTheOptionsThatChanged() {
        RunState.Marker started = marker("in.jsonl", List.of("lm2", "cot"), null);

        assertThat(started.differencesTo(marker("in.jsonl", List.of("lm2", "cot"), null)))
                .isEmpty();
        assertThat(started.differencesTo(marker("other.jsonl", List.of("cot"), 10L)))
                .containsExactly(
                        "--input was in.jsonl, is other.jsonl",
                        "--strategies was lm2,cot, is cot",
                        "--limit was none, is 10");
    }

    /**
     * A checkpoint restores only into the job graph it was taken from: a resume that turns the
     * near-duplicate check, demonstrations or an export on, off or to other values is refused.
     */
    @Test
    void differencesNameTheStagesTurnedOnOffOrChanged() throws IOException {
        RunState.Marker plain = marker("in.jsonl", List.of("lm2"), null);
        RunState.Marker dropping =
                new RunState.Marker(
                        "in.jsonl",
                        "triad",
                        List.of("lm2"),
                        null,
                        "out/run",
                        T0,
                        false,
                        Map.of("--near-duplicates", "drop@0.9"));

        assertThat(plain.differencesTo(dropping))
                .containsExactly("--near-duplicates was off, is drop@0.9");
        assertThat(dropping.differencesTo(plain))
                .containsExactly("--near-duplicates was drop@0.9, is off");
        assertThat(
                        dropping.differencesTo(
                                new RunState.Marker(
                                        "in.jsonl",
                                        "triad",
                                        List.of("lm2"),
                                        null,
                                        "out/run",
                                        T0,
                                        false,
                                        Map.of(
                                                "--near-duplicates",
                                                "mark@0.9",
                                                "--export",
                                                "trl-sft:out/sft.jsonl"))))
                .containsExactly(
                        "--export was off, is trl-sft:out/sft.jsonl",
                        "--near-duplicates was drop@0.9, is mark@0.9");

        RunState state = RunState.in(dir);
        state.writeMarker(dropping);
        assertThat(state.marker()).contains(dropping);
        state.writeMarker(dropping.finished());
        assertThat(state.marker().orElseThrow().stages()).isEqualTo(dropping.stages());
    }

    @Test
    void theNewestCompleteCheckpointOrSavepointIsTheOneToResumeFrom() throws IOException {
        RunState state = RunState.in(dir);
        Path older = snapshot(state.checkpoints().resolve("job-a/chk-3"), T0);
        Path newer = snapshot(state.checkpoints().resolve("job-b/chk-1"), T0.plusSeconds(10));
        // Not complete: no _metadata, or a _metadata cut off while it was written.
        Files.createDirectories(state.checkpoints().resolve("job-b/chk-2"));
        Path cut = Files.createDirectories(state.checkpoints().resolve("job-b/chk-3"));
        Files.write(cut.resolve(RunState.METADATA), new byte[] {0, 0});
        Files.setLastModifiedTime(
                cut.resolve(RunState.METADATA), FileTime.from(T0.plusSeconds(30)));
        Files.createDirectories(state.checkpoints().resolve("job-b/shared"));

        RunState.Snapshot latest = state.latestSnapshot().orElseThrow();
        assertThat(latest.path()).isEqualTo(newer);
        assertThat(latest.savepoint()).isFalse();
        assertThat(latest.describe()).startsWith("checkpoint " + newer + " (taken ");

        Path savepoint =
                snapshot(state.savepoints().resolve("savepoint-abc-1"), T0.plusSeconds(20));
        assertThat(state.latestSnapshot().orElseThrow().path()).isEqualTo(savepoint);
        assertThat(state.latestSnapshot().orElseThrow().savepoint()).isTrue();
        assertThat(older).exists();
    }

    @Test
    void noCheckpointYetMeansNothingToResumeFrom() throws IOException {
        RunState state = RunState.in(dir);
        Files.createDirectories(state.checkpoints().resolve("job-a/chk-1"));

        assertThat(state.latestSnapshot()).isEmpty();
        assertThat(RunState.in(dir.resolve("missing")).latestSnapshot()).isEmpty();
    }

    @Test
    void clearOwnLeavesWhatOthersKeepInTheFolder() throws IOException {
        RunState state = RunState.in(dir.resolve(".triad"));
        state.writeMarker(marker("in.jsonl", List.of("cot"), null));
        snapshot(state.checkpoints().resolve("job-a/chk-1"), T0);
        snapshot(state.savepoints().resolve("savepoint-abc-1"), T0);
        Path journal = Files.createDirectories(state.dir().resolve("journal"));

        state.clearOwn();

        assertThat(state.markerFile()).doesNotExist();
        assertThat(state.checkpoints()).doesNotExist();
        assertThat(state.savepoints()).doesNotExist();
        assertThat(journal).exists();

        Files.delete(journal);
        state.clearOwn();
        assertThat(state.dir()).doesNotExist();
    }

    @Test
    void clearAllRemovesTheWholeFolder() throws IOException {
        RunState state = RunState.in(dir.resolve(".triad"));
        state.writeMarker(marker("in.jsonl", List.of("cot"), null));
        Files.createDirectories(state.dir().resolve("journal"));

        state.clearAll();

        assertThat(state.dir()).doesNotExist();
    }

    @Test
    void keepOnlyDropsEverythingOlderThanANewSavepoint() throws IOException {
        RunState state = RunState.in(dir);
        snapshot(state.checkpoints().resolve("0123456789abcdef0123456789abcdef/chk-1"), T0);
        Path other = Files.createDirectories(state.checkpoints().resolve("not-a-job"));
        Path old = snapshot(state.savepoints().resolve("savepoint-abc-1"), T0);
        Path kept = snapshot(state.savepoints().resolve("savepoint-def-2"), T0.plusSeconds(5));

        state.keepOnly(kept);

        assertThat(state.checkpoints().resolve("0123456789abcdef0123456789abcdef")).doesNotExist();
        assertThat(other).exists();
        assertThat(old).doesNotExist();
        assertThat(state.latestSnapshot().orElseThrow().path()).isEqualTo(kept);
    }

    /** A folder with a readable, empty checkpoint {@code _metadata} written at {@code time}. */
    private static Path snapshot(Path folder, Instant time) throws IOException {
        Files.createDirectories(folder);
        Path metadata = folder.resolve(RunState.METADATA);
        try (OutputStream out = Files.newOutputStream(metadata)) {
            Checkpoints.storeCheckpointMetadata(
                    new CheckpointMetadata(1, List.of(), List.of()), out);
        }
        Files.setLastModifiedTime(metadata, FileTime.from(time));
        return folder.toAbsolutePath().normalize();
    }
}
