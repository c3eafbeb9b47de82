package dev.triad.serde;

import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Question;
import dev.triad.schemas.Result;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information for values serialised by {@link JsonSerializer}. Use the constants for
 * Triad's records: {@code stream.map(...).returns(JsonTypeInfo.QUESTION)}.
 */
public final class JsonTypeInfo<T> extends TypeInformation<T> {

    private static final long serialVersionUID = 1L;

    public static final JsonTypeInfo<Question> QUESTION = immutable(Question.class);
    public static final JsonTypeInfo<Result> RESULT = immutable(Result.class);
    public static final JsonTypeInfo<DeadLetter> DEAD_LETTER = immutable(DeadLetter.class);

    private final Class<T> type;
    private final boolean immutable;

    private JsonTypeInfo(Class<T> type, boolean immutable) {
        this.type = Objects.requireNonNull(type, "type");
        this.immutable = immutable;
    }

    /** For deeply immutable values (records of immutable fields): copied by reference. */
    public static <T> JsonTypeInfo<T> immutable(Class<T> type) {
        return new JsonTypeInfo<>(type, true);
    }

    /** For mutable values: copied by a JSON round trip. */
    public static <T> JsonTypeInfo<T> mutable(Class<T> type) {
        return new JsonTypeInfo<>(type, false);
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return new JsonSerializer<>(type, immutable);
    }

    @Override
    public String toString() {
        return "Json<" + type.getSimpleName() + ">";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof JsonTypeInfo<?> other
                && other.type.equals(type)
                && other.immutable == immutable;
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof JsonTypeInfo;
    }
}
