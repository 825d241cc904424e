package io.clip4j.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read as an InputStream whose reads give up when no data arrives for a while.
 *
 * <p>The JDK's {@code BodyHandlers.ofInputStream()} blocks forever on a connection that stays open but goes
 * silent (it happens with CDNs); the request timeout only covers the wait for the headers. A read that times out
 * here throws {@link HttpTimeoutException}, which the caller treats like a dropped connection: retry with Range.
 */
final class StallGuardedBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final long timeoutNanos;
    private volatile Flow.Subscription subscription;
    private Iterator<ByteBuffer> buffers;
    private ByteBuffer current;
    private boolean finished;

    StallGuardedBody(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    static HttpResponse.BodyHandler<InputStream> handler(long timeoutNanos) {
        return info -> new StallGuardedBody(timeoutNanos);
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
        queue.add(throwable);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    @SuppressWarnings("unchecked")
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || !current.hasRemaining()) {
            if (buffers != null && buffers.hasNext()) {
                current = buffers.next();
                continue;
            }
            if (finished) {
                return -1;
            }
            Object item;
            try {
                item = queue.poll(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the response");
            }
            if (item == null) {
                close();
                throw new HttpTimeoutException(
                        "no data received for " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s");
            }
            if (item == END) {
                finished = true;
                return -1;
            }
            if (item instanceof Throwable t) {
                finished = true;
                throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
            }
            buffers = ((List<ByteBuffer>) item).iterator();
            subscription.request(1);
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    @Override
    public void close() {
        if (!finished) {
            finished = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
        queue.clear();
    }
}
