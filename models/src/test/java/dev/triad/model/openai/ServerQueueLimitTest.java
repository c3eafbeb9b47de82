package dev.triad.model.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.concurrency.limits.limit.FixedLimit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ServerQueueLimitTest {

    private static final int FALLBACK = 7;

    private static ServerQueueLimit limit(int initial, int sharers) {
        return new ServerQueueLimit(FixedLimit.of(FALLBACK), initial, 1, 512, sharers);
    }

    private static void read(
            ServerQueueLimit limit, int running, int waiting, int mine, int queued) {
        limit.onReading(System.nanoTime(), new ServerLoad(running, waiting), mine, queued);
    }

    @Test
    void aSoleClientGivesBackTheWholeExcessOverTheWaitingAllowed() {
        ServerQueueLimit limit = limit(32, 1);
        read(limit, 16, 40, 56, 100);

        assertThat(limit.capacity()).isEqualTo(16);
        // 16 slots allow 4 waiting: 56 in flight less 36 too many.
        assertThat(limit.getLimit()).isEqualTo(20);
    }

    @Test
    void clientsSharingAReplicaCutInProportionToWhatTheySend() {
        ServerQueueLimit big = limit(100, 2);
        ServerQueueLimit small = limit(100, 2);
        // 16 running + 36 waiting = 52 requests: 39 from one client, 13 from the other.
        read(big, 16, 36, 39, 10);
        read(small, 16, 36, 13, 10);

        // 32 too many: 24 of them from the first, 8 from the second.
        assertThat(big.getLimit()).isEqualTo(15);
        assertThat(small.getLimit()).isEqualTo(5);
        assertThat(big.getLimit() + small.getLimit()).isEqualTo(16 + 4);
    }

    @Test
    void freeSlotsAndRoomInTheQueueAreTakenOnlyWithCallsQueued() {
        ServerQueueLimit limit = limit(8, 1);
        read(limit, 16, 4, 20, 0); // learns 16 slots; 4 waiting are allowed
        read(limit, 10, 0, 5, 0);
        assertThat(limit.getLimit()).as("nothing queued, the limit not reached").isEqualTo(8);

        read(limit, 10, 0, 10, 50);
        // 6 free slots and 4 allowed waiting.
        assertThat(limit.getLimit()).isEqualTo(20);
    }

    @Test
    void aLimitReachedCountsAsDemandEvenWithNothingQueued() {
        ServerQueueLimit limit = limit(12, 1);
        read(limit, 16, 4, 20, 0); // learns 16 slots
        read(limit, 12, 0, 12, 0);

        // The operator admits no new question while calls are queued: a full limit is the demand.
        assertThat(limit.getLimit()).isEqualTo(12 + 4 + 4);
    }

    @Test
    void aClientWithLittleOfTheLoadTakesAtLeastAnEqualShareOfTheRoom() {
        ServerQueueLimit limit = limit(1, 4);
        read(limit, 16, 4, 1, 0); // learns 16 slots
        read(limit, 8, 0, 1, 50);

        // 8 free slots + 4 waiting allowed = 12, a quarter of it (4 subtasks share the replica).
        assertThat(limit.getLimit()).isEqualTo(1 + 3);
    }

    @Test
    void withoutCapacityKnownTheLimitGrowsByHalfWhileCallsAreQueued() {
        ServerQueueLimit limit = limit(8, 1);
        read(limit, 8, 0, 8, 20);
        assertThat(limit.getLimit()).isEqualTo(12);
        read(limit, 12, 0, 12, 20);
        assertThat(limit.getLimit()).isEqualTo(18);
        assertThat(limit.capacity()).as("nothing ever waited").isZero();
        read(limit, 14, 2, 16, 20);
        assertThat(limit.capacity()).isEqualTo(14);
    }

    @Test
    void dropsCutTheLimitToThreeQuarters() {
        ServerQueueLimit limit = limit(40, 1);
        read(limit, 30, 0, 30, 0);
        limit.onSample(0, 1_000, 30, true);

        assertThat(limit.getLimit()).isEqualTo(30);
    }

    @Test
    void withoutFreshReadingsTheFallbackSteers() {
        ServerQueueLimit limit = limit(40, 1);
        assertThat(limit.getLimit()).as("before any reading").isEqualTo(FALLBACK);

        limit.onReading(
                System.nanoTime() - ServerQueueLimit.STALE_AFTER_NANOS - 1,
                new ServerLoad(3, 0),
                3,
                0);
        assertThat(limit.getLimit()).as("a stale reading").isEqualTo(FALLBACK);

        read(limit, 3, 0, 3, 0);
        assertThat(limit.getLimit()).isEqualTo(40);
        limit.noReadings();
        assertThat(limit.getLimit()).as("the replica publishes no gauges").isEqualTo(FALLBACK);
    }

    /**
     * A replica of 16 slots with varied service times (4–10 ticks, as prompts and answers vary),
     * clients that always have calls to send, a reading every 10 ticks: after the first readings
     * the slots stay full while fewer than half the slots' worth of requests wait.
     */
    @Test
    void keepsTheSlotsFullWithAShortQueueForOneClientAndForFour() {
        for (int clients : new int[] {1, 4}) {
            ClosedLoop loop = new ClosedLoop(16, clients, new Random(7));
            loop.run(200); // the first readings
            loop.measure(4_000);

            assertThat(loop.busy())
                    .as("%d client(s): busy fraction", clients)
                    .isGreaterThanOrEqualTo(0.95);
            assertThat(loop.meanWaiting())
                    .as("%d client(s): mean waiting", clients)
                    .isLessThanOrEqualTo(0.5 * 16);
        }
    }

    /** A replica and clients in discrete time: what the limit's rule does in closed loop. */
    private static final class ClosedLoop {
        private final int slots;
        private final Random random;
        private final List<ServerQueueLimit> limits = new ArrayList<>();
        private final int[] inFlight;
        private final List<int[]> running = new ArrayList<>(); // {client, ticks left}
        private final ArrayDeque<Integer> waiting = new ArrayDeque<>();
        private long tick;
        private long measuredTicks;
        private double busySum;
        private double waitingSum;

        ClosedLoop(int slots, int clients, Random random) {
            this.slots = slots;
            this.random = random;
            this.inFlight = new int[clients];
            for (int c = 0; c < clients; c++) {
                limits.add(limit(32, clients));
            }
        }

        void run(int ticks) {
            for (int i = 0; i < ticks; i++) {
                step();
            }
        }

        void measure(int ticks) {
            for (int i = 0; i < ticks; i++) {
                step();
                measuredTicks++;
                busySum += (double) running.size() / slots;
                waitingSum += waiting.size();
            }
        }

        double busy() {
            return busySum / measuredTicks;
        }

        double meanWaiting() {
            return waitingSum / measuredTicks;
        }

        private void step() {
            tick++;
            running.removeIf(
                    r -> {
                        if (--r[1] > 0) {
                            return false;
                        }
                        inFlight[r[0]]--;
                        return true;
                    });
            for (int c = 0; c < inFlight.length; c++) {
                while (inFlight[c] < limits.get(c).getLimit()) {
                    inFlight[c]++;
                    waiting.addLast(c);
                }
            }
            while (running.size() < slots && !waiting.isEmpty()) {
                running.add(new int[] {waiting.pollFirst(), 4 + random.nextInt(7)});
            }
            if (tick % 10 == 0) {
                ServerLoad load = new ServerLoad(running.size(), waiting.size());
                for (int c = 0; c < inFlight.length; c++) {
                    limits.get(c).onReading(System.nanoTime(), load, inFlight[c], 1_000);
                }
            }
        }
    }
}
