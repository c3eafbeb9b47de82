package dev.triad.reasoning;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.triad.schemas.Question;
import dev.triad.schemas.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Everything the operator knows about one (question, strategy) while it runs: what every strategy
 * shares (the question, timing, the trace, usage per role, the call it waits for) and one
 * strategy-specific {@link #part()}. Lives in keyed state and is cleared when the question ends.
 *
 * <p><b>This is the savepoint format.</b> It is written as JSON with a {@link #version}; a change
 * to its layout gets a new version and a reader for the old one (see {@link QuestionStateV1}),
 * tested against a snapshot written by the old code ({@code SavepointCompatibilityTest}).
 *
 * <p>Mutable, with public fields so Jackson (the state serialiser) and the strategies read it
 * directly; only the task thread touches it.
 */
@PublicEvolving
public final class QuestionState {

    /** The layout written now. 1: strategy fields flat in this object; 2: in {@link #part()}. */
    public static final int VERSION = 2;

    /** The layout this state was read in; states written before versions existed are 1. */
    public int version = 1;

    public Question question;
    public String strategy;

    /** Processing time when the question started, in milliseconds. */
    public long startedAt;

    /** Processing time of the deadline timer, in milliseconds. */
    public long deadline;

    /** Every attempt at every step, in order. */
    public List<Step> trace = new ArrayList<>();

    /** Role key to its usage so far (calls, tokens, latency, the endpoints that answered). */
    public Map<String, RoleTally> usage = new TreeMap<>();

    /** The call this question waits for, or {@code null}. */
    public PendingCall pending;

    /** Sequence number of the last call made. */
    public long callSeq;

    /** The strategy's own state, with its class name so any strategy's part can be read back. */
    @JsonProperty("part")
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, property = "@class")
    private StrategyState part;

    /** Fields of an older layout, upgraded on first access to {@link #part()}. */
    @JsonIgnore private Map<String, JsonNode> older;

    public QuestionState() {}

    QuestionState(ReasoningTask task, long now, long deadline) {
        this.version = VERSION;
        this.question = task.question();
        this.strategy = task.strategy();
        this.startedAt = now;
        this.deadline = deadline;
    }

    /** The strategy's own part, as the strategy set it ({@code null} before it set one). */
    @SuppressWarnings("unchecked")
    public <S extends StrategyState> S part() {
        if (older != null) {
            part = QuestionStateV1.part(strategy, older);
            older = null;
            version = VERSION;
        }
        return (S) part;
    }

    /** Replaces the strategy's own part. */
    public void part(StrategyState newPart) {
        older = null;
        this.part = newPart;
    }

    /** Collects the fields of an older layout (read only, never written). */
    @JsonAnySetter
    void older(String name, JsonNode value) {
        if (older == null) {
            older = new HashMap<>();
        }
        older.put(name, value);
    }

    /** The usage of {@code role}, started at zero on its first call. */
    RoleTally tally(String role) {
        RoleTally tally = usage.get(role);
        if (tally == null) {
            tally = new RoleTally();
            usage.put(role, tally);
        }
        return tally;
    }
}
