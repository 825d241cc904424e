package io.clip4j.server;

import org.eclipse.jetty.util.Fields;

/** Parses and checks the query parameters of the search endpoints; a bad value is a 400 naming the parameter. */
final class SearchParameters {
    static final float MAX_TEXTNESS = 2f;

    private SearchParameters() {}

    /** The single value of a parameter, or null when absent; repeated parameters are ambiguous, hence an error. */
    static String single(Fields fields, String name) {
        Fields.Field f = fields.get(name);
        if (f == null) return null;
        if (f.getValues().size() > 1) throw HttpError.badRequest(name + ": given more than once");
        return f.getValue();
    }

    static int k(Fields fields, ServerConfig config) {
        String raw = single(fields, "k");
        if (raw == null || raw.isEmpty()) return config.defaultK();
        int k;
        try {
            k = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("k: '" + clip(raw) + "' is not an integer (1.." + config.maxK() + ")");
        }
        if (k < 1 || k > config.maxK()) {
            throw HttpError.badRequest("k: " + k + " is out of range (1.." + config.maxK() + ")");
        }
        return k;
    }

    static float textness(Fields fields) {
        String raw = single(fields, "textness");
        if (raw == null || raw.isEmpty()) return 0f;
        float t;
        try {
            t = Float.parseFloat(raw.trim());
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("textness: '" + clip(raw) + "' is not a number (-2..2)");
        }
        // NaN fails both comparisons, so it is refused here too
        if (!(t >= -MAX_TEXTNESS && t <= MAX_TEXTNESS)) {
            throw HttpError.badRequest("textness: " + clip(raw) + " is out of range (-2..2)");
        }
        return t;
    }

    /** Shortens a user value quoted in an error message (keeps errors one short line). */
    static String clip(String s) {
        String oneLine = s.replaceAll("[\\r\\n\\t]", " ");
        return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 40) + "...";
    }
}
