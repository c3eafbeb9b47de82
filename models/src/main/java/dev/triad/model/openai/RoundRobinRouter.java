package dev.triad.model.openai;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends each call to the next replica in turn, skipping those that may not take calls now; load and
 * the affinity key are ignored. Thread-safe.
 */
final class RoundRobinRouter implements ReplicaRouter {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public int route(String key, long promptTokens, View view) {
        int n = view.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            if (view.available(i)) {
                return i;
            }
        }
        return -1;
    }
}
