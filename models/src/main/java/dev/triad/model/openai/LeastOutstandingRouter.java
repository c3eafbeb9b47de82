package dev.triad.model.openai;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends each call to the available replica with the fewest calls outstanding (in flight plus
 * queued); ties go round-robin so an idle fleet is used evenly. No affinity. Thread-safe.
 */
final class LeastOutstandingRouter implements ReplicaRouter {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public int route(String key, long promptTokens, View view) {
        int n = view.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        int best = -1;
        int bestLoad = Integer.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            if (view.available(i) && view.load(i) < bestLoad) {
                best = i;
                bestLoad = view.load(i);
            }
        }
        return best;
    }
}
