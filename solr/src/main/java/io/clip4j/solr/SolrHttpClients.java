package io.clip4j.solr;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrRequest;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.HttpJdkSolrClient;
import org.apache.solr.common.util.NamedList;

/**
 * One SolrJ {@link HttpJdkSolrClient} (java.net.http, no Jetty) per base URL, shared by the cloud client's load
 * balancer and its cluster-state reader, on one pool of daemon threads (so that a CLI whose store was not closed
 * still exits). The clients handed out ignore {@code close}: SolrJ closes the clients it asks for after each
 * cluster-state request, and these are meant to live as long as the store.
 */
final class SolrHttpClients implements AutoCloseable {
    static final long CONNECT_TIMEOUT_MS = 5_000;
    static final long REQUEST_TIMEOUT_MS = 120_000;

    private final Map<String, HttpJdkSolrClient> clients = new ConcurrentHashMap<>();
    private final ExecutorService executor;

    SolrHttpClients() {
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "clip4j-solr-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The client for {@code baseUrl} (a node's /solr, or a core's or collection's URL below it). */
    SolrClient forUrl(String baseUrl) {
        HttpJdkSolrClient c = clients.computeIfAbsent(
                baseUrl,
                url -> new HttpJdkSolrClient.Builder(url)
                        .withExecutor(executor)
                        // HTTP/1.1: java.net.http cannot upgrade a request with a body to cleartext HTTP/2, which
                        // SolrJ works around with an extra HEAD request per new connection
                        .useHttp1_1(true)
                        .withConnectionTimeout(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                        .withRequestTimeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                        .build());
        return new Unclosable(c);
    }

    @Override
    public void close() {
        for (HttpJdkSolrClient c : clients.values()) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing to do: the connection pool goes with the executor
            }
        }
        clients.clear();
        executor.shutdownNow();
    }

    /** A client whose close does nothing: its owner is {@link SolrHttpClients}. */
    private static final class Unclosable extends SolrClient {
        private final SolrClient delegate;

        Unclosable(SolrClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public NamedList<Object> request(SolrRequest<?> request, String collection)
                throws SolrServerException, IOException {
            return delegate.request(request, collection);
        }

        @Override
        public void close() {}
    }
}
