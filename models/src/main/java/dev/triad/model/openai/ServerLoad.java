package dev.triad.model.openai;

import java.util.Optional;

/**
 * A replica's own report of its load: requests running (holding a slot) and requests waiting for
 * one, read from its Prometheus {@code /metrics} page. Understood names: vLLM's {@code
 * vllm:num_requests_running} / {@code vllm:num_requests_waiting} (also Triad's simulated server),
 * SGLang's {@code sglang:num_running_reqs} / {@code sglang:num_queue_reqs}, and llama.cpp's {@code
 * llamacpp:requests_processing} / {@code llamacpp:requests_deferred} ({@code llama-server
 * --metrics}). Series with several label sets (one per model a server holds) are summed.
 *
 * @param running requests running now
 * @param waiting requests waiting for a slot now
 */
record ServerLoad(int running, int waiting) {

    private static final String[][] NAMES = {
        {"vllm:num_requests_running", "vllm:num_requests_waiting"},
        {"sglang:num_running_reqs", "sglang:num_queue_reqs"},
        {"llamacpp:requests_processing", "llamacpp:requests_deferred"},
    };

    /**
     * The load in a Prometheus text page; empty when the page has neither pair of gauges (the
     * server publishes none that the client understands).
     */
    static Optional<ServerLoad> parse(CharSequence page) {
        double[][] sums = new double[NAMES.length][2];
        boolean[][] seen = new boolean[NAMES.length][2];
        int start = 0;
        int length = page.length();
        while (start < length) {
            int end = start;
            while (end < length && page.charAt(end) != '\n') {
                end++;
            }
            if (end > start && page.charAt(start) != '#') {
                String line = page.subSequence(start, end).toString();
                for (int i = 0; i < NAMES.length; i++) {
                    for (int j = 0; j < 2; j++) {
                        if (isSample(line, NAMES[i][j])) {
                            double value = value(line);
                            if (!Double.isNaN(value)) {
                                sums[i][j] += value;
                                seen[i][j] = true;
                            }
                        }
                    }
                }
            }
            start = end + 1;
        }
        for (int i = 0; i < NAMES.length; i++) {
            if (seen[i][0] && seen[i][1]) {
                return Optional.of(
                        new ServerLoad((int) Math.round(sums[i][0]), (int) Math.round(sums[i][1])));
            }
        }
        return Optional.empty();
    }

    /** Whether {@code line} is a sample of the metric {@code name} (bare or with labels). */
    private static boolean isSample(String line, String name) {
        if (!line.startsWith(name) || line.length() == name.length()) {
            return false;
        }
        char next = line.charAt(name.length());
        return next == '{' || next == ' ' || next == '\t';
    }

    /** The sample's value: the first field after the name and labels; NaN when unreadable. */
    private static double value(String line) {
        int from = line.lastIndexOf('}');
        from = from < 0 ? line.indexOf(' ') : from + 1;
        if (from < 0) {
            return Double.NaN;
        }
        String[] fields = line.substring(from).trim().split("\\s+");
        try {
            return Double.parseDouble(fields[0]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return Double.NaN;
        }
    }
}
