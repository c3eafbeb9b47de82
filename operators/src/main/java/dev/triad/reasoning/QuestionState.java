package dev.triad.reasoning;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.triad.schemas.Question;
import dev.triad.schemas.Step;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the operator knows about one (question, strategy) while it runs; lives in keyed state
 * and is cleared when the question ends. Mutable, with public fields so Jackson (the state
 * serialiser) and the strategies read it directly; only the task thread touches it.
 */
public final class QuestionState {

    public Question question;
    public String strategy;

    /** Processing time when the question started, in milliseconds. */
    public long startedAt;

    /** Processing time of the deadline timer, in milliseconds. */
    public long deadline;

    /** The strategy's own phase name, e.g. {@code VERIFY}. */
    public String phase;

    /** The step being worked on, from 1. */
    public int step = 1;

    /** The attempt at the current step, from 1. */
    public int attempt = 1;

    public List<String> concepts = new ArrayList<>();

    /** The subquestion being worked on (lm2). */
    public String subquestion;

    /** The answer to the subquestion being worked on (lm2). */
    public String answer;

    /** The rejected attempt's verdict and text, sent back to the decomposer (lm2). */
    public Map<String, String> feedback;

    /** The planned subquestions (plan-solve). */
    public List<String> plan;

    /** The pairs the final answer is written from. */
    public List<ContextStep> context = new ArrayList<>();

    /** Every attempt at every step, in order. */
    public List<Step> trace = new ArrayList<>();

    /** Role key to its usage so far (calls, tokens, latency, the endpoints that answered). */
    public Map<String, RoleTally> usage = new TreeMap<>();

    /** The call this question waits for, or {@code null}. */
    public PendingCall pending;

    /** Sequence number of the last call made. */
    public long callSeq;

    /** {@link #context} as the prompts show it; rebuilt only when the context grew. */
    @JsonIgnore private transient List<Map<String, Object>> promptContext;

    public QuestionState() {}

    QuestionState(ReasoningTask task, long now, long deadline) {
        this.question = task.question();
        this.strategy = task.strategy();
        this.startedAt = now;
        this.deadline = deadline;
    }

    /**
     * The context as the prompts' {@code "verified"} list of {@code {"subquestion", "answer"}}
     * objects: immutable, shared by the calls made until the context grows again (it only ever
     * grows).
     *
     * @param markUnverified whether a step kept unverified also says {@code "verified": false}
     */
    List<Map<String, Object>> promptContext(boolean markUnverified) {
        List<Map<String, Object>> pairs = promptContext;
        if (pairs == null || pairs.size() != context.size()) {
            // Earlier pairs are reused: the context only ever grows at its end.
            List<Map<String, Object>> built = new ArrayList<>(context.size());
            if (pairs != null && pairs.size() < context.size()) {
                built.addAll(pairs);
            }
            for (int i = built.size(); i < context.size(); i++) {
                built.add(pair(context.get(i), markUnverified));
            }
            pairs = List.copyOf(built);
            promptContext = pairs;
        }
        return pairs;
    }

    private static Map<String, Object> pair(ContextStep step, boolean markUnverified) {
        Map<String, Object> pair = new LinkedHashMap<>(4);
        pair.put("subquestion", step.subquestion());
        pair.put("answer", step.answer());
        if (markUnverified && !step.verified()) {
            pair.put("verified", false);
        }
        return Collections.unmodifiableMap(pair);
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
