package io.clip4j.spark;

/**
 * One image's outcome: its embedding and the sha256 of its bytes, or the one-line reason it has none.
 *
 * @param path      as the input named it (a Hadoop path or URI string: {@code file:/...}, {@code hdfs://...})
 * @param sha256    hex digest of the image's bytes; null when they could not be read
 * @param embedding unit-length; null when {@code error} is set
 * @param error     why the image could not be embedded; null when it was
 */
record EmbeddedImage(String path, String sha256, float[] embedding, String error) {
    boolean ok() {
        return error == null;
    }
}
