package io.clip4j.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clip4j.search.SearchService;
import java.util.List;

/** The JSON bodies of the API. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /** {@code {"results":[{"id","path","score"}], "took_ms"}}. */
    static String results(List<SearchService.Hit> hits, double tookMillis) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode results = root.putArray("results");
        for (SearchService.Hit h : hits) {
            results.addObject()
                    .put("id", h.id())
                    .put("path", String.valueOf(h.path()))
                    .put("score", h.score());
        }
        root.put("took_ms", Math.round(tookMillis * 100) / 100.0);
        return write(root);
    }

    static String error(String message) {
        return write(MAPPER.createObjectNode().put("error", message));
    }

    static String write(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON of plain nodes cannot fail", e);
        }
    }
}
