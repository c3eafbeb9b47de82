package dev.triad.model.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The affinity router: stable, spread, bounded load, and minimal movement when a replica goes. */
class ConsistentHashRouterTest {

    private static final List<String> URLS =
            List.of(
                    "http://10.0.0.1:8000/v1",
                    "http://10.0.0.2:8000/v1",
                    "http://10.0.0.3:8000/v1",
                    "http://10.0.0.4:8000/v1");

    /** A view with settable loads and availability. */
    private static final class Fleet implements ReplicaRouter.View {
        final int[] load;
        final boolean[] up;

        Fleet(int n) {
            load = new int[n];
            up = new boolean[n];
            java.util.Arrays.fill(up, true);
        }

        /** Sets {@code owner}'s load and every other replica's. */
        void load(int owner, int ownerLoad, int othersLoad) {
            for (int i = 0; i < load.length; i++) {
                load[i] = i == owner ? ownerLoad : othersLoad;
            }
        }

        @Override
        public int size() {
            return load.length;
        }

        @Override
        public boolean available(int i) {
            return up[i];
        }

        @Override
        public int load(int i) {
            return load[i];
        }
    }

    private static List<String> keys(int n) {
        return IntStream.range(0, n).mapToObj(i -> "question-" + i).toList();
    }

    @Test
    void aKeyAlwaysGoesToTheSameReplicaAndEveryRouterAgrees() {
        ConsistentHashRouter a = new ConsistentHashRouter(URLS, 160, 1.25);
        ConsistentHashRouter b = new ConsistentHashRouter(URLS, 160, 1.25);
        Fleet idle = new Fleet(4);
        for (String key : keys(1000)) {
            int first = a.route(key, idle);
            assertThat(a.route(key, idle)).isEqualTo(first);
            assertThat(b.route(key, idle)).as("another subtask's router").isEqualTo(first);
            assertThat(a.owner(key)).isEqualTo(first);
        }
    }

    @Test
    void keysAreSpreadEvenly() {
        ConsistentHashRouter router = new ConsistentHashRouter(URLS, 160, 1.25);
        int[] owned = new int[4];
        for (String key : keys(20_000)) {
            owned[router.owner(key)]++;
        }
        for (int count : owned) {
            assertThat(count).isBetween(4_000, 6_000);
        }
    }

    @Test
    void aHotReplicaSpillsOverToTheNextOnTheRingOnly() {
        ConsistentHashRouter router = new ConsistentHashRouter(URLS, 160, 1.25);
        Fleet fleet = new Fleet(4);
        String key = "question-7";
        int owner = router.owner(key);
        // Total load 12, mean 3: cap = ceil(1.25 × 13 / 4) = 5; the owner holds 9.
        fleet.load(owner, 9, 1);
        int spill = router.route(key, fleet);
        assertThat(spill).isNotEqualTo(owner);
        // The spill target is the owner's successor for this key: with the owner gone it owns it.
        Fleet withoutOwner = new Fleet(4);
        withoutOwner.up[owner] = false;
        assertThat(router.route(key, withoutOwner)).isEqualTo(spill);

        // Above the others but within the bound (total 13: cap = ceil(1.25 × 14 / 4) = 5), the key
        // stays home.
        fleet.load(owner, 4, 3);
        assertThat(router.route(key, fleet)).isEqualTo(owner);
    }

    @Test
    void aLongPromptStaysHomeUnderALoadThatSpillsAShortOne() {
        ConsistentHashRouter router = new ConsistentHashRouter(URLS, 160, 1.25);
        Fleet fleet = new Fleet(4);
        String key = "question-7";
        int owner = router.owner(key);
        // Total load 17, mean 4.25: a short prompt's cap is ceil(1.25 × 18 / 4) = 6, a prompt of
        // 2,048 tokens or more gets twice the factor, ceil(2.5 × 18 / 4) = 12; the owner holds 8.
        fleet.load(owner, 8, 3);

        assertThat(router.route(key, 300, fleet)).as("300-token prompt").isNotEqualTo(owner);
        assertThat(router.route(key, 1024, fleet)).as("1,024-token prompt").isNotEqualTo(owner);
        assertThat(router.route(key, 3000, fleet)).as("3,000-token prompt").isEqualTo(owner);
        // Even a long prompt spills from a replica far above the others: total 29, cap
        // ceil(2.5 × 30 / 4) = 19, the owner holds 20.
        fleet.load[owner] = 20;
        assertThat(router.route(key, 3000, fleet)).isNotEqualTo(owner);
    }

    @Test
    void theBoundRisesWithThePromptFromTheFactorToTwiceIt() {
        ConsistentHashRouter router = new ConsistentHashRouter(URLS, 160, 1.25);

        assertThat(router.loadFactor(0)).isEqualTo(1.25);
        assertThat(router.loadFactor(1024)).isEqualTo(1.25);
        assertThat(router.loadFactor(1536)).isEqualTo(1.875);
        assertThat(router.loadFactor(2048)).isEqualTo(2.5);
        assertThat(router.loadFactor(100_000)).isEqualTo(2.5);
    }

    @Test
    void noReplicaGoesAboveTheBoundWhileKeysArrive() {
        ConsistentHashRouter router = new ConsistentHashRouter(URLS, 160, 1.25);
        Fleet fleet = new Fleet(4);
        int total = 0;
        for (String key : keys(2_000)) {
            int r = router.route(key, fleet);
            fleet.load[r]++;
            total++;
            int cap = (int) Math.ceil(1.25 * total / 4);
            for (int load : fleet.load) {
                assertThat(load).isLessThanOrEqualTo(cap);
            }
        }
    }

    @Test
    void removingAReplicaMovesOnlyItsKeys() {
        ConsistentHashRouter router = new ConsistentHashRouter(URLS, 160, 1.25);
        Fleet all = new Fleet(4);
        Fleet withoutTwo = new Fleet(4);
        withoutTwo.up[2] = false;
        Map<String, Integer> before = new HashMap<>();
        for (String key : keys(5_000)) {
            before.put(key, router.route(key, all));
        }
        int moved = 0;
        for (String key : keys(5_000)) {
            int after = router.route(key, withoutTwo);
            assertThat(after).isNotEqualTo(2);
            if (before.get(key) != 2) {
                assertThat(after)
                        .as("key %s did not live on the removed replica", key)
                        .isEqualTo(before.get(key));
            } else {
                moved++;
            }
        }
        assertThat(moved).isGreaterThan(0);
        // And back: the keys return to the replica when it is available again.
        for (String key : keys(5_000)) {
            assertThat(router.route(key, all)).isEqualTo(before.get(key));
        }
    }

    @Test
    void noAvailableReplicaGivesMinusOneAndNoKeyFallsBackToLeastOutstanding() {
        ConsistentHashRouter router = new ConsistentHashRouter(URLS, 160, 1.25);
        Fleet none = new Fleet(4);
        java.util.Arrays.fill(none.up, false);
        assertThat(router.route("q", none)).isEqualTo(-1);

        Fleet fleet = new Fleet(4);
        fleet.load[0] = 3;
        fleet.load[1] = 1;
        fleet.load[2] = 0;
        fleet.load[3] = 2;
        assertThat(router.route(null, fleet)).isEqualTo(2);
    }

    @Test
    void leastOutstandingPicksTheIdlestAvailableReplica() {
        LeastOutstandingRouter router = new LeastOutstandingRouter();
        Fleet fleet = new Fleet(3);
        fleet.load[0] = 5;
        fleet.load[1] = 0;
        fleet.load[2] = 2;
        assertThat(router.route("any", fleet)).isEqualTo(1);
        fleet.up[1] = false;
        assertThat(router.route("any", fleet)).isEqualTo(2);
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new ConsistentHashRouter(URLS, 160, 1.0))
                .hasMessageContaining("bounded-load factor must be above 1");
        assertThatThrownBy(() -> new ConsistentHashRouter(List.of(), 160, 1.25))
                .hasMessageContaining("at least one replica");
    }
}
