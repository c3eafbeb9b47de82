package dev.triad.serde;

import java.lang.reflect.InvocationTargetException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The name under which savepoints written before the serializer moved to {@code
 * dev.triad.reasoning} recorded the reasoning task serializer's snapshot ({@code
 * dev.triad.serde.ReasoningTaskSerializer$Snapshot}). Only its {@link Snapshot} is used, by Flink,
 * when it restores such a savepoint; the serializer it restores is {@code
 * dev.triad.reasoning.ReasoningTaskSerializer}, looked up by name so that this package does not
 * depend on the reasoning package. Nothing else should use it.
 */
public final class ReasoningTaskSerializer {

    private static final String CURRENT = "dev.triad.reasoning.ReasoningTaskSerializer";

    private ReasoningTaskSerializer() {}

    /** Restores the current serializer from a snapshot recorded under the old name. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Object> {
        public Snapshot() {
            super(Snapshot::current);
        }

        @SuppressWarnings("unchecked")
        private static TypeSerializer<Object> current() {
            try {
                return (TypeSerializer<Object>)
                        Class.forName(CURRENT, true, Snapshot.class.getClassLoader())
                                .getField("INSTANCE")
                                .get(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(
                        "Cannot restore a savepoint's reasoning tasks: " + CURRENT + " is missing",
                        e instanceof InvocationTargetException ? e.getCause() : e);
            }
        }
    }
}
