package dev.triad.serde;

import dev.triad.schemas.Json;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A Flink {@link TypeSerializer} that writes values as length-prefixed JSON with Triad's Jackson
 * configuration. Used for Triad's records on the wire and in keyed state: the JSON form is the same
 * contract as the files (new optional fields stay readable across versions), and Kryo never sees
 * the immutable JDK collections the records hold.
 *
 * <p>{@code immutable} types (Triad's records) are copied by reference; mutable ones (operator
 * state) by a JSON round trip.
 */
public final class JsonSerializer<T> extends TypeSerializer<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final boolean immutable;

    public JsonSerializer(Class<T> type, boolean immutable) {
        this.type = Objects.requireNonNull(type, "type");
        this.immutable = immutable;
    }

    @Override
    public boolean isImmutableType() {
        return immutable;
    }

    @Override
    public TypeSerializer<T> duplicate() {
        return this; // stateless: Jackson's mapper is thread-safe
    }

    @Override
    public T createInstance() {
        return null;
    }

    @Override
    public T copy(T from) {
        if (immutable || from == null) {
            return from;
        }
        return Json.mapper().convertValue(from, type);
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(T record, DataOutputView target) throws IOException {
        byte[] bytes = Json.mapper().writeValueAsBytes(record);
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    @Override
    public T deserialize(DataInputView source) throws IOException {
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        return Json.mapper().readValue(bytes, type);
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int length = source.readInt();
        target.writeInt(length);
        target.write(source, length);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof JsonSerializer<?> other
                && other.type.equals(type)
                && other.immutable == immutable;
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Boolean.hashCode(immutable);
    }

    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return new Snapshot<>(type, immutable);
    }

    /** Records the type and mutability; JSON needs nothing else to read old state. */
    public static final class Snapshot<T> implements TypeSerializerSnapshot<T> {

        private Class<T> type;
        private boolean immutable;

        /** For Flink's reflective restore. */
        public Snapshot() {}

        Snapshot(Class<T> type, boolean immutable) {
            this.type = type;
            this.immutable = immutable;
        }

        @Override
        public int getCurrentVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeUTF(type.getName());
            out.writeBoolean(immutable);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader)
                throws IOException {
            String name = in.readUTF();
            try {
                type = (Class<T>) Class.forName(name, false, classLoader);
            } catch (ClassNotFoundException e) {
                throw new IOException(
                        "Cannot restore JSON state of class "
                                + name
                                + ": it is not on the job's classpath",
                        e);
            }
            immutable = in.readBoolean();
        }

        @Override
        public TypeSerializer<T> restoreSerializer() {
            return new JsonSerializer<>(type, immutable);
        }

        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
                TypeSerializerSnapshot<T> oldSnapshot) {
            if (oldSnapshot instanceof Snapshot<T> old && old.type.equals(type)) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
