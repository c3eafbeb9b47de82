package dev.triad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.jobs.UsageException;
import dev.triad.jobs.io.RunState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumePlanTest {

    private static final Instant STARTED = Instant.parse("2026-01-02T03:04:05Z");
    private static final Instant NOW = Instant.parse("2026-01-03T00:00:00Z");

    @TempDir Path dir;

    private static RunState.Marker marker(String input, Instant started) {
        return new RunState.Marker(
                input, "triad", List.of("lm2", "cot"), null, "out/run", started, false);
    }

    private RunState unfinished() throws IOException {
        RunState state = RunState.in(dir.resolve(".triad"));
        state.writeMarker(marker("in.jsonl", STARTED));
        return state;
    }

    private ResumePlan decide(RunState state, boolean resume, boolean overwrite)
            throws UsageException, IOException {
        return ResumePlan.decide(state, marker("in.jsonl", NOW), resume, overwrite, "out/run");
    }

    @Test
    void aNewOutputStartsWithTheCurrentMarker() throws Exception {
        ResumePlan plan = decide(RunState.in(dir.resolve(".triad")), false, false);

        assertThat(plan.kind()).isEqualTo(ResumePlan.Kind.START);
        assertThat(plan.marker().started()).isEqualTo(NOW);
        assertThat(plan.notes()).isEmpty();
    }

    @Test
    void resumeWithNothingUnfinishedStartsWithANote() throws Exception {
        ResumePlan plan = decide(RunState.in(dir.resolve(".triad")), true, false);

        assertThat(plan.kind()).isEqualTo(ResumePlan.Kind.START);
        assertThat(plan.notes()).singleElement().asString().contains("holds no unfinished run");
    }

    @Test
    void anUnfinishedOutputWithoutAFlagIsAUsageErrorSayingWhatToDo() throws Exception {
        RunState state = unfinished();

        assertThatThrownBy(() -> decide(state, false, false))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--output out/run holds an unfinished run")
                .hasMessageContaining("started " + STARTED)
                .hasMessageContaining("Use --resume to continue it or --overwrite to start again");
    }

    @Test
    void overwriteDiscardsAnUnfinishedRun() throws Exception {
        ResumePlan plan = decide(unfinished(), false, true);

        assertThat(plan.kind()).isEqualTo(ResumePlan.Kind.START_OVER);
        assertThat(plan.marker().started()).isEqualTo(NOW);
        assertThat(plan.notes()).singleElement().asString().contains("discarding");
    }

    @Test
    void overwriteAlsoDiscardsAStateItCannotRead() throws Exception {
        RunState state = RunState.in(dir);
        Files.writeString(state.markerFile(), "not json");

        assertThat(decide(state, false, true).kind()).isEqualTo(ResumePlan.Kind.START_OVER);
        assertThatThrownBy(() -> decide(state, true, false))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("cannot be read")
                .hasMessageContaining("--overwrite");
    }

    @Test
    void resumeBeforeTheFirstCheckpointStartsAgainKeepingTheStartTime() throws Exception {
        ResumePlan plan = decide(unfinished(), true, false);

        assertThat(plan.kind()).isEqualTo(ResumePlan.Kind.START);
        assertThat(plan.marker().started()).isEqualTo(STARTED);
        assertThat(plan.notes()).singleElement().asString().contains("before its first checkpoint");
    }

    @Test
    void resumeRestoresTheNewestCheckpoint() throws Exception {
        RunState state = unfinished();
        Path chk = Files.createDirectories(state.checkpoints().resolve("job/chk-7"));
        try (OutputStream out = Files.newOutputStream(chk.resolve("_metadata"))) {
            Checkpoints.storeCheckpointMetadata(
                    new CheckpointMetadata(7, List.of(), List.of()), out);
        }

        ResumePlan plan = decide(state, true, false);

        assertThat(plan.kind()).isEqualTo(ResumePlan.Kind.RESTORE);
        assertThat(plan.from().path()).isEqualTo(chk);
        assertThat(plan.marker().started()).isEqualTo(STARTED);
        assertThat(plan.notes()).singleElement().asString().contains("continuing", chk.toString());
    }

    @Test
    void resumeOfAJobThatHadFinishedOnlyMerges() throws Exception {
        RunState state = RunState.in(dir);
        state.writeMarker(marker("in.jsonl", STARTED).finished());

        assertThat(decide(state, true, false).kind()).isEqualTo(ResumePlan.Kind.MERGE_ONLY);
    }

    @Test
    void resumeWithOtherOptionsIsAUsageErrorNamingThem() throws Exception {
        RunState state = unfinished();

        assertThatThrownBy(
                        () ->
                                ResumePlan.decide(
                                        state, marker("other.jsonl", NOW), true, false, "out/run"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--input was in.jsonl, is other.jsonl")
                .hasMessageContaining("--overwrite");
    }
}
