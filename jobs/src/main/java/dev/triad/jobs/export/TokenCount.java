package dev.triad.jobs.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Iterator;
import java.util.Map;

/**
 * Counts the tokens of an example's text (every string in it but its {@code metadata} and message
 * roles) with the {@code cl100k_base} encoding: a stable figure for sizing a dataset, not the count
 * of the tokenizer the trained model will use. Thread-safe.
 */
final class TokenCount {

    /** The encoding's name, as the dataset card shows it. */
    static final String NAME = "cl100k_base (an estimate; the trained model's tokenizer differs)";

    private static final Encoding CL100K =
            Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    private TokenCount() {}

    static long of(JsonNode example) {
        long total = 0;
        if (example.isTextual()) {
            return CL100K.countTokensOrdinary(example.asText());
        }
        Iterator<Map.Entry<String, JsonNode>> fields = example.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().equals("metadata") && !field.getKey().equals("role")) {
                total += of(field.getValue());
            }
        }
        if (example.isArray()) {
            for (JsonNode element : example) {
                total += of(element);
            }
        }
        return total;
    }
}
