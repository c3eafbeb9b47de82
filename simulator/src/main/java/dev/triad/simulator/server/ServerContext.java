package dev.triad.simulator.server;

import dev.triad.model.ChatMessage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every replica of one server shares: the settings, the oracle, the tokenizer (with the prompt
 * templates' tokens computed once), the completion id counter, and which calls (by their {@code
 * X-Triad-Call} header: question, strategy, purpose, step, attempt, retry) were answered, so that a
 * call answered twice, on any replica, is counted.
 *
 * <p>Threading: thread-safe.
 */
final class ServerContext {

    final ServerSettings settings;
    final RoleOracle oracle;
    final PromptTokens tokens;
    final long startedEpochSeconds = System.currentTimeMillis() / 1000;

    /** Distinct system messages whose tokens are kept; prompts' templates are a handful. */
    static final int SYSTEM_MESSAGES_KEPT = 1024;

    private final Map<String, int[]> systemTokens = new ConcurrentHashMap<>();
    private final AtomicLong completions = new AtomicLong();
    private final Set<Long> answeredCalls = ConcurrentHashMap.newKeySet();
    private final AtomicLong callsAnswered = new AtomicLong();
    private final AtomicLong callsAnsweredAgain = new AtomicLong();

    ServerContext(ServerSettings settings) {
        this.settings = settings;
        this.oracle = new RoleOracle(settings);
        this.tokens = new PromptTokens(settings.oracle().countTokens());
    }

    /**
     * A message's tokens. System messages (templates, the same for many calls) are encoded once
     * each, up to {@value #SYSTEM_MESSAGES_KEPT} distinct ones.
     */
    int[] tokensOf(ChatMessage message) {
        String content = message.content();
        if (!"system".equals(message.role())) {
            return tokens.encode(content);
        }
        int[] known = systemTokens.get(content);
        if (known == null) {
            known = tokens.encode(content);
            if (systemTokens.size() < SYSTEM_MESSAGES_KEPT) {
                systemTokens.put(content, known);
            }
        }
        return known;
    }

    /** A new completion id, unique within the server. */
    String nextId(int replica) {
        return "chatcmpl-sim-" + replica + "-" + Long.toHexString(completions.incrementAndGet());
    }

    /**
     * A call was answered with a usable reply (status 200, no fault); {@code callHeader} is its
     * {@code X-Triad-Call} header, {@code null} for a chat without one (not counted).
     */
    void callAnswered(String callHeader) {
        if (callHeader == null) {
            return;
        }
        if (answeredCalls.add(fnv64(callHeader))) {
            callsAnswered.incrementAndGet();
        } else {
            callsAnsweredAgain.incrementAndGet();
        }
    }

    /** Distinct calls answered with a usable reply. */
    long callsAnswered() {
        return callsAnswered.get();
    }

    /** Answers to a call that had been answered before: a completed call made again. */
    long callsAnsweredAgain() {
        return callsAnsweredAgain.get();
    }

    private static long fnv64(String text) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
