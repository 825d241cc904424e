package io.clip4j.server;

import io.clip4j.image.ImageDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads the image of {@code POST /api/search}: either the field "image" of a multipart/form-data body, or the
 * raw body (any other content type: image/jpeg, application/octet-stream, text/plain...; the leading bytes must
 * be those of an image, whatever the type says).
 *
 * <p>Three bounds, so that slow or large uploads cannot starve the others: the whole body is at most
 * {@code maxBytes} (a larger Content-Length is refused before reading, a longer body once it passes the limit:
 * 413); it must arrive within {@code timeoutMillis} of the start of reading (408 otherwise: a client trickling a
 * byte every few seconds is cut off); and the bytes of all uploads held in memory at once stay within a shared
 * budget (503 beyond). Memory is taken as bytes arrive, not as Content-Length announces, so a trickling client
 * holds next to nothing while it lasts.
 */
final class UploadReader {
    static final String FIELD = "image";
    private static final int FIRST_BUFFER = 16 * 1024;
    private static final long DRAIN_BYTES = 4L * 1024 * 1024;

    /** An upload's bytes, which hold their share of the memory budget until {@link #close}d. */
    static final class Upload implements AutoCloseable {
        final byte[] bytes;
        final String name;
        private final Runnable release;

        Upload(byte[] bytes, String name, Runnable release) {
            this.bytes = bytes;
            this.name = name;
            this.release = release;
        }

        @Override
        public void close() {
            release.run();
        }
    }

    private final long maxBytes;
    private final long timeoutMillis;
    private final AtomicLong free;

    UploadReader(long maxBytes, long budgetBytes, long timeoutMillis) {
        this.maxBytes = maxBytes;
        this.timeoutMillis = timeoutMillis;
        this.free = new AtomicLong(budgetBytes);
    }

    Upload read(Request request) {
        if (request.getLength() > maxBytes) throw tooLarge();
        long[] held = {0};
        Runnable release = () -> {
            free.addAndGet(held[0]);
            held[0] = 0;
        };
        try {
            byte[] body = readBounded(request, held);
            String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
            String mime = contentType == null
                    ? ""
                    : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (mime.equals("multipart/form-data")) return fromMultipart(body, contentType, release);
            if (mime.startsWith("multipart/") || mime.equals("application/x-www-form-urlencoded")) {
                throw new HttpError(
                        415,
                        "send the image as multipart/form-data field '" + FIELD + "' or as the raw request body (got "
                                + SearchParameters.clip(mime) + ")");
            }
            if (body.length == 0) throw HttpError.badRequest("empty request body: send an image");
            // the bytes decide, not the Content-Type: an image sent as application/octet-stream or text/plain is one
            if (!ImageDecoder.looksLikeImage(body)) {
                throw HttpError.badRequest("the request body is not an image (PNG, JPEG, GIF, BMP, WebP or TIFF)");
            }
            return new Upload(body, "upload", release);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
    }

    /** The body, chunk by chunk as it arrives, against the size limit, the deadline and the memory budget. */
    private byte[] readBounded(Request request, long[] held) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        byte[] buf = new byte[(int) Math.min(FIRST_BUFFER, maxBytes + 1)];
        int n = 0;
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                awaitData(request, deadline);
                continue;
            }
            try {
                if (Content.Chunk.isFailure(chunk)) {
                    Throwable f = chunk.getFailure();
                    if (f instanceof TimeoutException) throw tooSlow();
                    throw HttpError.badRequest("could not read the request body ("
                            + SearchParameters.clip(String.valueOf(f.getMessage())) + ")");
                }
                ByteBuffer data = chunk.getByteBuffer();
                int len = data.remaining();
                if ((long) n + len > maxBytes) {
                    if (!chunk.isLast()) drain(request, deadline, n + len);
                    throw tooLarge();
                }
                if (len > 0) {
                    if (free.addAndGet(-len) < 0) {
                        free.addAndGet(len);
                        throw new HttpError(503, "too many uploads at once; try again");
                    }
                    held[0] += len;
                    if (n + len > buf.length)
                        buf = Arrays.copyOf(buf, (int)
                                Math.min(Math.max((long) buf.length * 2, n + len), maxBytes + 1));
                    data.get(buf, n, len);
                    n += len;
                }
                if (chunk.isLast()) return n == buf.length ? buf : Arrays.copyOf(buf, n);
            } finally {
                chunk.release();
            }
        }
    }

    /**
     * Reads and drops the rest of a body that is too large, up to {@link #DRAIN_BYTES} more, so that the client,
     * still sending, can read the 413 instead of a reset connection (Jetty closes a connection whose request
     * body was left unread, and data arriving after the close resets it).
     */
    private void drain(Request request, long deadline, long seen) {
        long limit = seen + DRAIN_BYTES;
        try {
            while (seen < limit) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    awaitData(request, deadline);
                    continue;
                }
                try {
                    if (Content.Chunk.isFailure(chunk) || chunk.isLast()) return;
                    seen += chunk.getByteBuffer().remaining();
                } finally {
                    chunk.release();
                }
            }
        } catch (HttpError tooSlow) {
            // past the deadline: the 413 goes out now, whatever the client is still sending
        }
    }

    /** Waits until more of the body has arrived, or the deadline has passed (408). */
    private void awaitData(Request request, long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw tooSlow();
        CountDownLatch ready = new CountDownLatch(1);
        request.demand(ready::countDown);
        try {
            if (!ready.await(left, TimeUnit.NANOSECONDS)) throw tooSlow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpError(503, "server is stopping");
        }
    }

    private static Upload fromMultipart(byte[] body, String contentType, Runnable release) {
        String boundary = MultiPart.extractBoundary(contentType);
        if (boundary == null || boundary.isEmpty())
            throw HttpError.badRequest("multipart/form-data without a boundary");
        MultiPartFormData.Parser parser = new MultiPartFormData.Parser(boundary);
        parser.setMaxParts(16);
        parser.setMaxLength(body.length);
        parser.setMaxMemoryFileSize(body.length); // keep every part in memory: the body already is
        try (MultiPartFormData.Parts parts =
                parser.parse(Content.Source.from(ByteBuffer.wrap(body))).get()) {
            MultiPart.Part part = null;
            // a part without a Content-Disposition has no name: it is not the field, and not a reason to fail
            for (MultiPart.Part p : parts)
                if (FIELD.equals(p.getName())) {
                    part = p;
                    break;
                }
            if (part == null) throw HttpError.badRequest("multipart body has no field '" + FIELD + "'");
            ByteBuffer content = Content.Source.asByteBuffer(part.getContentSource());
            byte[] bytes = new byte[content.remaining()];
            content.get(bytes);
            if (bytes.length == 0) throw HttpError.badRequest("field '" + FIELD + "' is empty: choose an image");
            String name = part.getFileName() == null || part.getFileName().isBlank() ? "upload" : part.getFileName();
            return new Upload(bytes, name, release);
        } catch (ExecutionException e) {
            throw malformed(e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpError(503, "interrupted while reading the upload");
        } catch (IOException | RuntimeException e) {
            if (e instanceof HttpError h) throw h;
            throw malformed(e); // the parser's own failures on hostile input are the body's fault
        }
    }

    private static HttpError malformed(Throwable e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return HttpError.badRequest("malformed multipart body (" + SearchParameters.clip(why) + ")");
    }

    private HttpError tooLarge() {
        return new HttpError(413, "upload too large: at most " + maxBytes + " bytes");
    }

    private HttpError tooSlow() {
        return new HttpError(408, "upload too slow: the body must arrive within " + timeoutMillis + " ms");
    }
}
