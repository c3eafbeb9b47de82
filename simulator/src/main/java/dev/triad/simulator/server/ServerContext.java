package dev.triad.simulator.server;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every replica of one server shares: the settings, the oracle, the tokenizer (with the prompt
 * templates' tokens computed once) and the completion id counter.
 *
 * <p>Threading: thread-safe.
 */
final class ServerContext {

    final ServerSettings settings;
    final RoleOracle oracle;
    final PromptTokens tokens;
    final long startedEpochSeconds = System.currentTimeMillis() / 1000;

    private final Map<String, int[]> templateTokens;
    private final AtomicLong completions = new AtomicLong();

    ServerContext(ServerSettings settings) {
        this.settings = settings;
        this.oracle = new RoleOracle(settings);
        this.tokens = new PromptTokens(settings.oracle().countTokens());
        Map<String, int[]> known = new HashMap<>();
        for (String template : RoleOracle.templateTexts()) {
            known.put(template, tokens.encode(template));
        }
        this.templateTokens = Map.copyOf(known);
    }

    /** A message's tokens; the templates' are computed once. */
    int[] tokensOf(String content) {
        int[] known = templateTokens.get(content);
        return known != null ? known : tokens.encode(content);
    }

    /** A new completion id, unique within the server. */
    String nextId(int replica) {
        return "chatcmpl-sim-" + replica + "-" + Long.toHexString(completions.incrementAndGet());
    }
}
