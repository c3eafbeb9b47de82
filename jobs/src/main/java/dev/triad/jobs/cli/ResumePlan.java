package dev.triad.jobs.cli;

import dev.triad.jobs.UsageException;
import dev.triad.jobs.io.RunState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a {@code triad run} starts on its output, decided from the marker of an unfinished run (if
 * any), {@code --resume} and {@code --overwrite}; reads the state folder and changes nothing.
 *
 * <table>
 *   <caption>The rules</caption>
 *   <tr><th>output</th><th>neither flag</th><th>--resume</th><th>--overwrite</th></tr>
 *   <tr><td>finished or new</td><td>start</td><td>start (with a note)</td><td>start, state
 *   folder cleared</td></tr>
 *   <tr><td>unfinished</td><td>exit 2</td><td>restore from the newest checkpoint or savepoint
 *   (none: start again, with a note); only merge when the job had ended</td><td>start, state
 *   folder cleared</td></tr>
 * </table>
 *
 * @param kind what to do
 * @param from the checkpoint or savepoint to restore ({@link Kind#RESTORE} only)
 * @param marker the marker the run keeps while it is unfinished
 * @param notes lines for stderr that explain the decision
 */
record ResumePlan(Kind kind, RunState.Snapshot from, RunState.Marker marker, List<String> notes) {

    /** What the run does. */
    enum Kind {
        /** Start from the beginning: remove earlier output and state, write a new marker. */
        START,
        /**
         * Start from the beginning after {@code --overwrite}: also clear the whole state folder.
         */
        START_OVER,
        /** Restore the job from {@link #from()}; earlier output stays. */
        RESTORE,
        /** The job had ended; only merging its output (and clearing its state) is left. */
        MERGE_ONLY
    }

    /**
     * Decides how to start.
     *
     * @param state the run's state folder
     * @param current the marker of the run as now given (its start time now)
     * @param resume {@code --resume}
     * @param overwrite {@code --overwrite}
     * @param output the output as the user knows it, for messages
     * @throws UsageException for an unfinished output without a flag, or a resume with different
     *     options (exit 2)
     * @throws IOException when the state folder cannot be read
     */
    static ResumePlan decide(
            RunState state,
            RunState.Marker current,
            boolean resume,
            boolean overwrite,
            String output)
            throws UsageException, IOException {
        List<String> notes = new ArrayList<>();
        Optional<RunState.Marker> earlier;
        try {
            earlier = state.marker();
        } catch (IOException e) {
            if (overwrite) {
                return new ResumePlan(Kind.START_OVER, null, current, notes);
            }
            throw new UsageException(
                    "--output "
                            + output
                            + " holds a run whose state cannot be read ("
                            + e.getMessage()
                            + "). Give --overwrite to discard it and start again.",
                    e);
        }
        if (earlier.isEmpty()) {
            if (resume) {
                notes.add(
                        "triad: --resume: "
                                + output
                                + " holds no unfinished run (none was started there, or it"
                                + " finished); starting a new run.");
            }
            return new ResumePlan(overwrite ? Kind.START_OVER : Kind.START, null, current, notes);
        }
        RunState.Marker unfinished = earlier.get();
        if (overwrite) {
            notes.add(
                    "triad: --overwrite: discarding the unfinished run started "
                            + unfinished.started()
                            + " in "
                            + output
                            + ".");
            return new ResumePlan(Kind.START_OVER, null, current, notes);
        }
        if (!resume) {
            throw new UsageException(
                    "--output "
                            + output
                            + " holds an unfinished run, started "
                            + unfinished.started()
                            + " (--input "
                            + unfinished.input()
                            + ", --strategies "
                            + String.join(",", unfinished.strategies())
                            + "); its state is in "
                            + state.dir()
                            + ". Use --resume to continue it or --overwrite to start again.");
        }
        List<String> differences = unfinished.differencesTo(current);
        if (!differences.isEmpty()) {
            throw new UsageException(
                    "--resume continues the run in "
                            + output
                            + " with the options it was started with, but "
                            + String.join("; ", differences)
                            + ". Give the options it was started with, or --overwrite to start"
                            + " again.");
        }
        if (unfinished.jobFinished()) {
            notes.add(
                    "triad: --resume: the job of the run started "
                            + unfinished.started()
                            + " had finished; completing its output.");
            return new ResumePlan(Kind.MERGE_ONLY, null, unfinished, notes);
        }
        Optional<RunState.Snapshot> latest = state.latestSnapshot();
        if (latest.isEmpty()) {
            notes.add(
                    "triad: --resume: the run started "
                            + unfinished.started()
                            + " stopped before its first checkpoint; starting it again.");
            return new ResumePlan(Kind.START, null, unfinished, notes);
        }
        notes.add(
                "triad: --resume: continuing the run started "
                        + unfinished.started()
                        + " from its "
                        + latest.get().describe()
                        + ".");
        return new ResumePlan(Kind.RESTORE, latest.get(), unfinished, notes);
    }
}
