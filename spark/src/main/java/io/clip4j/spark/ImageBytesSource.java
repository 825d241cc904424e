package io.clip4j.spark;

import java.io.IOException;

/** The bytes of an image named by a path string (read from a file system, or already in memory). */
@FunctionalInterface
interface ImageBytesSource {
    byte[] read(String path) throws IOException;
}
