package io.clip4j.search;

import java.nio.file.Path;

/**
 * One term of a query: {@code sign * weight * unit(embedding)}. Exactly one of text and image is set.
 */
public record QueryTerm(int sign, double weight, String text, Path image) {
    public boolean isImage() {
        return image != null;
    }

    @Override
    public String toString() {
        return (sign < 0 ? "- " : "+ ") + weight + ":" + (isImage() ? "image " + image : "\"" + text + "\"");
    }
}
