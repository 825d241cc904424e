package io.clip4j.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 GET client over one kept-alive socket, for the load tool. The JDK's HttpClient costs ~3 ms
 * of CPU per request (its selector thread, futures and header maps): on a 2-core machine, with the load client
 * beside the server, that was 14 % of the CPU taken from the service under test. This one writes the request
 * line and reads the status, the headers it needs (Content-Length or chunked) and the body, and nothing else.
 * Not thread-safe: one per client thread.
 */
final class KeepAliveGet implements AutoCloseable {
    /** A response: status code and body bytes. */
    record Response(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final URI base;
    private final String hostHeader;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    KeepAliveGet(URI base) {
        this.base = base;
        this.hostHeader = base.getHost() + ":" + base.getPort();
    }

    /** GET {@code pathAndQuery} (already URL-encoded, starting with '/'); reconnects once if the server closed. */
    Response get(String pathAndQuery) throws IOException {
        try {
            return exchange(pathAndQuery);
        } catch (IOException e) {
            close(); // a kept-alive connection the server has closed: one fresh attempt
            return exchange(pathAndQuery);
        }
    }

    private Response exchange(String pathAndQuery) throws IOException {
        if (socket == null) connect();
        String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12)
            throw new IOException("bad status line: " + status);
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false, close = false;
        for (String h; !(h = line()).isEmpty(); ) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:"))
                length = Long.parseLong(lower.substring(15).trim());
            else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
            else if (lower.startsWith("connection:") && lower.contains("close")) close = true;
        }
        byte[] body = chunked ? chunks() : exactly(length < 0 ? 0 : (int) length);
        if (close) close();
        return new Response(code, body);
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        socket.setSoTimeout(60_000);
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
    }

    private byte[] chunks() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            int semi = size.indexOf(';');
            int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            if (n == 0) {
                while (!line().isEmpty()) {} // trailers
                return body.toByteArray();
            }
            body.writeBytes(exactly(n));
            line(); // the CRLF after a chunk
        }
    }

    private byte[] exactly(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) throw new IOException("connection closed after " + b.length + " of " + n + " body bytes");
        return b;
    }

    /** One header line without its CRLF. */
    private String line() throws IOException {
        StringBuilder s = new StringBuilder(64);
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new IOException("connection closed");
            if (c != '\r') s.append((char) c);
        }
        return s.toString();
    }

    @Override
    public void close() {
        if (socket == null) return;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a dead connection: nothing to keep
        }
        socket = null;
    }
}
