package dev.triad.simulator.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler and fault draws of one replica, without sockets. */
class ReplicaTest {

    /** A sequence that records its start; started inline by the immediate executor. */
    private static final class Probe extends Replica.Sequence {
        final List<Probe> started;

        Probe(List<Probe> started) {
            this.started = started;
        }

        @Override
        EventExecutor executor() {
            return ImmediateEventExecutor.INSTANCE;
        }

        @Override
        void start() {
            started.add(this);
        }
    }

    private static Replica replica(int maxNumSeqs, int maxWaiting, double loadFactor) {
        return new Replica(
                0,
                ServerSettings.builder()
                        .maxNumSeqs(maxNumSeqs)
                        .maxWaiting(maxWaiting)
                        .loadFactor(loadFactor)
                        .build());
    }

    @Test
    void admitsUpToMaxNumSeqsThenQueuesThenRejects() {
        Replica replica = replica(2, 1, 1);
        List<Probe> started = new ArrayList<>();

        assertThat(replica.admit(new Probe(started))).isEqualTo(Replica.Admission.RUN);
        assertThat(replica.admit(new Probe(started))).isEqualTo(Replica.Admission.RUN);
        assertThat(replica.admit(new Probe(started))).isEqualTo(Replica.Admission.QUEUED);
        assertThat(replica.admit(new Probe(started))).isEqualTo(Replica.Admission.REJECTED);
        assertThat(replica.stats().running()).isEqualTo(2);
        assertThat(replica.stats().waiting()).isEqualTo(1);
    }

    @Test
    void aFreedSlotStartsTheFirstWaitingSequenceAndReleaseIsIdempotent() {
        Replica replica = replica(1, 5, 1);
        List<Probe> started = new ArrayList<>();
        Probe first = new Probe(started);
        Probe second = new Probe(started);
        Probe third = new Probe(started);
        replica.admit(first);
        replica.admit(second);
        replica.admit(third);

        replica.release(first);
        replica.release(first);

        assertThat(started).containsExactly(second);
        assertThat(replica.stats().running()).isEqualTo(1);
        assertThat(replica.stats().waiting()).isEqualTo(1);
        replica.release(third); // a waiting sequence whose client went away leaves the queue
        replica.release(second);
        assertThat(started).containsExactly(second);
        assertThat(replica.stats().running()).isZero();
        assertThat(replica.stats().waiting()).isZero();
    }

    @Test
    void slowdownGrowsLinearlyWithRunningSequencesUpToTheLoadFactor() {
        Replica replica = replica(4, 0, 2.0);
        List<Probe> started = new ArrayList<>();
        assertThat(replica.slowdown()).isEqualTo(1.0);
        replica.admit(new Probe(started));
        assertThat(replica.slowdown()).isEqualTo(1.25);
        for (int i = 0; i < 3; i++) {
            replica.admit(new Probe(started));
        }
        assertThat(replica.slowdown()).isEqualTo(2.0);
    }

    @Test
    void faultsAreDeterministicBySeedAndRequestCountAtTheConfiguredRate() {
        ServerSettings settings =
                ServerSettings.builder()
                        .faultRate(0.2)
                        .faults(FaultType.SERVER_ERROR, FaultType.RESET)
                        .seed(5)
                        .build();
        List<FaultType> a = draws(new Replica(0, settings), 5_000);
        List<FaultType> b = draws(new Replica(0, settings), 5_000);
        List<FaultType> otherSeed =
                draws(new Replica(0, settings.toBuilder().seed(6).build()), 5_000);

        assertThat(a).isEqualTo(b).isNotEqualTo(otherSeed);
        long faults = a.stream().filter(f -> f != null).count();
        assertThat(faults).isBetween(850L, 1150L);
        assertThat(a).contains(FaultType.SERVER_ERROR, FaultType.RESET);
        assertThat(a).doesNotContain(FaultType.HANG);
    }

    @Test
    void noFaultsAtRateZero() {
        assertThat(draws(replica(4, 4, 1), 1000)).containsOnlyNulls();
    }

    private static List<FaultType> draws(Replica replica, int n) {
        List<FaultType> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(replica.drawFault());
        }
        return out;
    }
}
