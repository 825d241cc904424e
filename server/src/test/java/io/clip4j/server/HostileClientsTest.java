package io.clip4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.logging.JettyLogger;
import org.eclipse.jetty.logging.StdErrAppender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Clients that misbehave on purpose (issue 14), over raw sockets: uploads trickled a byte every 2 s are cut off
 * with 408 and do not keep normal uploads out; malformed requests are 400s with at most one log line each and
 * no stack trace. The upload deadline is 2 s here (60 s by default) to keep the test short.
 */
class HostileClientsTest {
    static final Duration NO_HANG = Duration.ofSeconds(90);
    static SearchServer server;

    @BeforeAll
    static void start() {
        server = new SearchServer(
                        TestIndex.images(true),
                        ServerConfig.defaults()
                                .withPort(0)
                                .withMaxUploadBytes(300 * 1024)
                                .withUploadTimeoutMillis(2_000))
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static Socket connect() throws IOException {
        Socket s = new Socket(server.uri().getHost(), server.port());
        s.setSoTimeout(60_000);
        return s;
    }

    /** The status code of the answer on {@code s} (reads the status line). */
    static int status(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) line.write(b);
        String l = line.toString(StandardCharsets.ISO_8859_1);
        assertTrue(l.startsWith("HTTP/1.1 "), "no status line: '" + l + "'");
        return Integer.parseInt(l.substring(9, 12));
    }

    /** Sends {@code request} whole and returns the answer's status. */
    static int send(byte[] request) throws IOException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return status(s);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] post(String contentType, String body) {
        return ascii("POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    }

    @Test
    void tricklingUploadsGet408AndNormalUploadsGoOnMeanwhile() throws Exception {
        byte[] png = Files.readAllBytes(TestIndex.FILES.get(0));
        List<Socket> slow = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> tricklers = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket s = connect();
                slow.add(s);
                s.getOutputStream()
                        .write(ascii("POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                                + "Content-Length: " + png.length + "\r\n\r\n"));
                Thread t = new Thread(() -> {
                    try {
                        // one byte every 2 s: the whole image would take days
                        for (int b = 0; !stop.get() && b < png.length; b++) {
                            s.getOutputStream().write(png[b]);
                            s.getOutputStream().flush();
                            Thread.sleep(2_000);
                        }
                    } catch (IOException | InterruptedException e) {
                        // the server closed the connection after its 408: what is expected
                    }
                });
                t.setDaemon(true);
                t.start();
                tricklers.add(t);
            }
            Thread.sleep(500); // lets the four reach the upload handler
            Http http = new Http(server.uri());
            for (int i = 0; i < 3; i++) {
                var r = assertTimeoutPreemptively(
                        NO_HANG, () -> http.postMultipart("api/search?k=1", "image", "cat.png", png));
                assertEquals(200, r.statusCode(), () -> "a normal upload while 4 clients trickle: " + Http.text(r));
            }
            for (Socket s : slow) assertEquals(408, assertTimeoutPreemptively(NO_HANG, () -> status(s)));
            var after = http.postMultipart("api/search?k=1", "image", "cat.png", png);
            assertEquals(200, after.statusCode(), Http.text(after));
        } finally {
            stop.set(true);
            for (Socket s : slow) s.close();
            for (Thread t : tricklers) t.interrupt();
        }
    }

    @Test
    void aClientThatSendsNoBodyAtAllIsCutOffToo() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream()
                    .write(ascii("POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                            + "Content-Length: 5000\r\n\r\n"));
            assertEquals(408, assertTimeoutPreemptively(NO_HANG, () -> status(s)));
        }
    }

    @Test
    void malformedRequestsAre400WithOneLogLineAndNoStackTrace() throws Exception {
        String mp = "multipart/form-data; boundary=xyz";
        List<byte[]> requests = List.of(
                post(mp, "--xyz\r\n\r\nhello\r\n--xyz--\r\n"), // a part without headers
                post(mp, "--xyz\r\n\r\n\r\n--xyz\r\n\r\nworld\r\n--xyz--\r\n"),
                post(mp, "--xyz\r\nContent-Type: image/png\r\n\r\nhello\r\n--xyz--\r\n"), // no Content-Disposition
                post(mp, "--xyz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--xyz--\r\n"), // no name
                post(mp, "--xyz\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nxx"), // never closed
                post(mp, "--xyz\r\nBroken header line\r\n\r\nx\r\n--xyz--\r\n"),
                post(mp, "--xyz--\r\n"),
                post(mp, "garbage"),
                post("multipart/form-data", "--xyz\r\n\r\nx\r\n--xyz--\r\n"), // no boundary
                post("multipart/form-data; boundary=", "x"),
                post(
                        mp,
                        ("--xyz\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n").repeat(40)
                                + "--xyz--\r\n"),
                post("image/png", ""), // empty body
                post("image/png", "not an image"),
                ascii("POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"),
                ascii("POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"),
                ascii(
                        "POST /api/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
                ascii("GET /api/search?q=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                ascii("GET /api/search?q=cat&k=%FF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                ascii("GET /healthz HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"),
                ascii("GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"),
                ascii("\u0001\u0002 garbage\r\n\r\n"));
        StdErrAppender appender =
                (StdErrAppender) ((JettyLogger) LoggerFactory.getLogger(ApiHandler.class)).getAppender();
        PrintStream logs = appender.getStream(), stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        List<String> statuses = new ArrayList<>();
        appender.setStream(capture);
        System.setErr(capture);
        try {
            for (byte[] r : requests)
                statuses.add(assertTimeoutPreemptively(NO_HANG, () -> send(r)) + " for "
                        + new String(r, StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n"));
        } finally {
            appender.setStream(logs);
            System.setErr(stderr);
        }
        for (String s : statuses) assertTrue(s.startsWith("400 "), s);
        String log = captured.toString(StandardCharsets.UTF_8);
        assertFalse(
                log.contains("\tat ") || log.contains("Exception"), "no stack trace, no exception in the log:\n" + log);
        long lines = log.lines().filter(l -> !l.isBlank()).count();
        assertTrue(lines <= requests.size(), "at most one log line per request:\n" + log);
    }
}
