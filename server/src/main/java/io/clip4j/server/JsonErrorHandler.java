package io.clip4j.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors raised by Jetty itself, before a request reaches {@link ApiHandler} (request line or headers too long,
 * malformed HTTP, a URI Jetty refuses): answered as {@code {"error": "..."}} like the API's own errors, and
 * counted in the metrics (route "other"), as they never reach the handler that counts the others.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final Metrics metrics;

    JsonErrorHandler(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus() >= 400 ? response.getStatus() : 500;
        metrics.countRequest("other", Metrics.methodLabel(request.getMethod()), status);
        Object message = request.getAttribute(ERROR_MESSAGE);
        String text = message instanceof String s && !s.isBlank() ? s : HttpStatus.getMessage(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(json(text)), callback);
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(json(reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason));
    }

    static byte[] json(String message) {
        return Json.error(message).getBytes(StandardCharsets.UTF_8);
    }
}
