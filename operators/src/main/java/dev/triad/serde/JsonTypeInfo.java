package dev.triad.serde;

import dev.triad.schemas.DeadLetter;
import dev.triad.schemas.Question;
import dev.triad.schemas.Result;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink type information for values serialised as JSON by {@link JsonSerializer}. Use the constants
 * for Triad's records: {@code stream.map(...).returns(JsonTypeInfo.QUESTION)}.
 */
public final class JsonTypeInfo {

    public static final TypeInformation<Question> QUESTION = immutable(Question.class);
    public static final TypeInformation<Result> RESULT = immutable(Result.class);
    public static final TypeInformation<DeadLetter> DEAD_LETTER = immutable(DeadLetter.class);

    private JsonTypeInfo() {}

    /** For deeply immutable values (records of immutable fields): copied by reference. */
    public static <T> TypeInformation<T> immutable(Class<T> type) {
        return new SerializerTypeInfo<>(type, new JsonSerializer<>(type, true));
    }

    /** For mutable values: copied by a JSON round trip. */
    public static <T> TypeInformation<T> mutable(Class<T> type) {
        return new SerializerTypeInfo<>(type, new JsonSerializer<>(type, false));
    }
}
