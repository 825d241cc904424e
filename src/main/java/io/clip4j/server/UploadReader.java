package io.clip4j.server;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutionException;

/**
 * Reads the image of {@code POST /api/search}: either the field "image" of a multipart/form-data body, or the
 * raw body (any other content type: image/jpeg, application/octet-stream...). The whole body is bounded by
 * {@code maxBytes}: a larger Content-Length is refused before reading, a longer chunked body once it passes
 * the limit (413 either way).
 */
final class UploadReader {
    static final String FIELD = "image";

    record Upload(byte[] bytes, String name) {}

    private UploadReader() {
    }

    static Upload read(Request request, long maxBytes) {
        long declared = request.getLength();
        if (declared > maxBytes) throw tooLarge(maxBytes);
        byte[] body = readBounded(request, maxBytes);
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mime = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (mime.equals("multipart/form-data")) return fromMultipart(body, contentType);
        if (mime.startsWith("multipart/") || mime.equals("application/x-www-form-urlencoded")) {
            throw new HttpError(415, "send the image as multipart/form-data field '" + FIELD
                    + "' or as the raw request body (got " + SearchParameters.clip(mime) + ")");
        }
        if (body.length == 0) throw HttpError.badRequest("empty request body: send an image");
        return new Upload(body, "upload");
    }

    private static byte[] readBounded(Request request, long maxBytes) {
        try (InputStream in = Request.asInputStream(request)) {
            // one byte more than declared, so a body of exactly Content-Length bytes needs no regrowth to see its end
            byte[] buf = new byte[(int) Math.min(Math.max(request.getLength() + 1, 8192), maxBytes + 1)];
            int n = 0;
            while (true) {
                if (n == buf.length) {
                    if (n > maxBytes) throw tooLarge(maxBytes);
                    buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, maxBytes + 1));
                }
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) break;
                n += r;
                if (n > maxBytes) throw tooLarge(maxBytes);
            }
            return n == buf.length ? buf : Arrays.copyOf(buf, n);
        } catch (IOException e) {
            throw HttpError.badRequest("could not read the request body (" + SearchParameters.clip(
                    String.valueOf(e.getMessage())) + ")");
        }
    }

    private static Upload fromMultipart(byte[] body, String contentType) {
        String boundary = MultiPart.extractBoundary(contentType);
        if (boundary == null || boundary.isEmpty()) throw HttpError.badRequest("multipart/form-data without a boundary");
        MultiPartFormData.Parser parser = new MultiPartFormData.Parser(boundary);
        parser.setMaxParts(16);
        parser.setMaxLength(body.length);
        parser.setMaxMemoryFileSize(body.length);   // keep every part in memory: the body already is
        try (MultiPartFormData.Parts parts = parser.parse(Content.Source.from(ByteBuffer.wrap(body))).get()) {
            MultiPart.Part part = parts.getFirst(FIELD);
            if (part == null) throw HttpError.badRequest("multipart body has no field '" + FIELD + "'");
            ByteBuffer content = Content.Source.asByteBuffer(part.getContentSource());
            byte[] bytes = new byte[content.remaining()];
            content.get(bytes);
            if (bytes.length == 0) throw HttpError.badRequest("field '" + FIELD + "' is empty: choose an image");
            String name = part.getFileName() == null || part.getFileName().isBlank() ? "upload" : part.getFileName();
            return new Upload(bytes, name);
        } catch (ExecutionException e) {
            throw HttpError.badRequest("malformed multipart body (" + SearchParameters.clip(
                    String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage())) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpError(503, "interrupted while reading the upload");
        } catch (IOException e) {
            throw HttpError.badRequest("malformed multipart body (" + SearchParameters.clip(
                    String.valueOf(e.getMessage())) + ")");
        }
    }

    private static HttpError tooLarge(long maxBytes) {
        return new HttpError(413, "upload too large: at most " + maxBytes + " bytes");
    }
}
