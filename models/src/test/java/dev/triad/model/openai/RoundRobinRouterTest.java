package dev.triad.model.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The round-robin router: every replica in turn, whatever the key and the load. */
class RoundRobinRouterTest {

    private static ReplicaRouter.View view(int[] load, boolean[] up) {
        return new ReplicaRouter.View() {
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
        };
    }

    @Test
    void callsOfOneKeyGoToEveryReplicaInTurnWhateverTheirLoad() {
        boolean[] up = {true, true, true, true};
        int[] load = {0, 50, 0, 7};
        RoundRobinRouter router = new RoundRobinRouter();
        List<Integer> picks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            picks.add(router.route("question-1", view(load, up)));
        }
        assertThat(picks).containsExactly(0, 1, 2, 3, 0, 1, 2, 3);
    }

    @Test
    void unavailableReplicasAreSkippedAndNoneLeftGivesMinusOne() {
        boolean[] up = {true, false, true};
        int[] load = new int[3];
        RoundRobinRouter router = new RoundRobinRouter();
        List<Integer> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picks.add(router.route(null, view(load, up)));
        }
        assertThat(picks).doesNotContain(1).contains(0, 2);

        Arrays.fill(up, false);
        assertThat(router.route("k", view(load, up))).isEqualTo(-1);
    }
}
