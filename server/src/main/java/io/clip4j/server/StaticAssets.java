package io.clip4j.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web page's files, read once from the class path (src/main/resources/io/clip4j/server/). Only the names
 * listed here are served: a request path never reaches the class loader.
 */
final class StaticAssets {
    record Asset(byte[] bytes, String contentType) {}

    private final Map<String, Asset> byPath;

    StaticAssets() {
        byPath = Map.of(
                "/", load("index.html", "text/html; charset=utf-8"),
                "/app.js", load("app.js", "text/javascript; charset=utf-8"),
                "/app.css", load("app.css", "text/css; charset=utf-8"));
    }

    Asset get(String path) {
        return byPath.get(path);
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(name)) {
            if (in == null)
                throw new IllegalStateException("resource io/clip4j/server/" + name + " is missing from the build");
            return new Asset(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
