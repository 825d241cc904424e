package io.clip4j.image;

import io.clip4j.Clip4jException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads the bytes of an image file: only a regular file (a symbolic link is followed to its target), and only up
 * to a size cap that is checked before anything is read. A link to /dev/zero or a named pipe called x.png would
 * otherwise make the read grow memory forever or block forever.
 */
public final class ImageFileReader {
    /**
     * 512 MiB: any image under Pillow's pixel limit fits (an uncompressed 32-bit BMP at the limit is 358 MB), and
     * anything larger is not worth reading into memory to find out.
     */
    public static final long DEFAULT_MAX_BYTES = 512L * 1024 * 1024;
    /** The largest byte array Java can allocate, whatever the cap asked for. */
    private static final long ARRAY_LIMIT = Integer.MAX_VALUE - 8;

    private ImageFileReader() {}

    public static byte[] read(Path file) {
        return read(file, DEFAULT_MAX_BYTES);
    }

    public static byte[] read(Path file, long maxBytes) {
        String name = file.toString();
        long cap = Math.min(maxBytes, ARRAY_LIMIT);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class); // follows links; opens nothing
        } catch (NoSuchFileException e) {
            throw new Clip4jException(name + ": no such file");
        } catch (IOException e) {
            throw new Clip4jException(name + ": cannot read file (" + ImageDecoder.oneLine(e) + ")");
        }
        if (attrs.isDirectory()) throw new Clip4jException(name + ": is a folder, not an image file");
        if (!attrs.isRegularFile()) {
            throw new Clip4jException(
                    name + ": not a regular file (a device, pipe or socket); images are read from regular files only");
        }
        if (attrs.size() > cap) throw tooLarge(name, attrs.size(), cap);
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size(); // again: the file may have grown since it was looked at
            if (size > cap) throw tooLarge(name, size, cap);
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // reads until full or the end of a file that shrank meanwhile
            }
            return buf.position() == size ? buf.array() : Arrays.copyOf(buf.array(), buf.position());
        } catch (NoSuchFileException e) {
            throw new Clip4jException(name + ": no such file");
        } catch (IOException | OutOfMemoryError e) {
            throw new Clip4jException(name + ": cannot read file (" + ImageDecoder.oneLine(e) + ")");
        }
    }

    private static Clip4jException tooLarge(String name, long size, long cap) {
        return new Clip4jException(String.format(
                Locale.ROOT,
                "%s: file of %d bytes is larger than the image file size limit of %d bytes",
                name,
                size,
                cap));
    }
}
