package dev.triad.model.openai;

/**
 * Picks the replica for one attempt of a call, given each replica's load and whether it may take
 * calls now. Implementations: {@link ConsistentHashRouter} (prefix affinity with bounded load) and
 * {@link LeastOutstandingRouter}.
 *
 * <p>Threading: {@link #route} may be called from any thread at once; the view is a snapshot the
 * caller made.
 */
interface ReplicaRouter {

    /** What the router sees of the replicas. */
    interface View {
        /** How many replicas there are (available or not). */
        int size();

        /** Whether replica {@code i} may take a call now (not ejected, not asked to wait). */
        boolean available(int i);

        /** Calls replica {@code i} holds now: in flight plus queued for it. */
        int load(int i);
    }

    /**
     * The replica for a call.
     *
     * @param key the affinity key (the question id), or {@code null} for none
     * @param promptTokens the call's prompt, estimated in tokens (what a replica that has not
     *     cached its prefix must prefill); 0 when unknown
     * @param view the replicas' state
     * @return a replica index, or -1 when no replica is available
     */
    int route(String key, long promptTokens, View view);

    /** The replica for a call of unknown prompt length. */
    default int route(String key, View view) {
        return route(key, 0, view);
    }
}
