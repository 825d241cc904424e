package io.clip4j.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clip4j.Clip4jException;
import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.common.SolrException;
import org.junit.jupiter.api.Test;

/** Which failures are retried, and how the others read: without a cluster. */
class SolrCallsTest {
    @Test
    void failuresOfAClusterThatRecoversAreRetried() {
        assertTrue(SolrCalls.isTransient(new SolrServerException(new ConnectException("refused"))));
        assertTrue(SolrCalls.isTransient(
                new SolrException(SolrException.ErrorCode.SERVICE_UNAVAILABLE, "no servers hosting shard")));
        assertTrue(SolrCalls.isTransient(new SolrException(
                SolrException.ErrorCode.SERVER_ERROR,
                "25 Async exceptions during distributed update: java.net.ConnectException: Connection refused")));
        assertTrue(SolrCalls.isTransient(
                new SolrException(SolrException.ErrorCode.SERVER_ERROR, "No registered leader was found")));
        assertFalse(SolrCalls.isTransient(
                new SolrException(SolrException.ErrorCode.BAD_REQUEST, "undefined field vector_7")));
    }

    @Test
    void aRefusedRequestIsOneLineAndNotRetried() {
        SolrCalls calls = new SolrCalls("collection c at http://h:8983/solr", 60_000);
        AtomicInteger tries = new AtomicInteger();
        Clip4jException e = assertThrows(
                Clip4jException.class,
                () -> calls.retrying("cannot search", () -> {
                    tries.incrementAndGet();
                    throw new SolrException(SolrException.ErrorCode.BAD_REQUEST, "undefined field\n  vector_7");
                }));
        assertEquals(1, tries.get());
        assertEquals("collection c at http://h:8983/solr: cannot search: undefined field vector_7", e.getMessage());
    }

    @Test
    void anUnreachableNodeIsNamedAsSuch() {
        SolrCalls calls = new SolrCalls("collection c at http://h:1/solr", 300);
        Clip4jException e = assertThrows(
                Clip4jException.class,
                () -> calls.retrying("cannot count", () -> {
                    throw new SolrServerException(new ConnectException("Connection refused"));
                }));
        assertEquals("collection c at http://h:1/solr: cannot reach Solr (connection refused)", e.getMessage());
    }
}
