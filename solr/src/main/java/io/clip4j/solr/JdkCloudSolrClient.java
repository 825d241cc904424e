package io.clip4j.solr;

import java.io.IOException;
import java.util.List;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.impl.ClusterStateProvider;
import org.apache.solr.client.solrj.impl.LBSolrClient;

/**
 * SolrJ's cloud client (updates routed to each shard's leader, queries to live replicas, retries on a stale view
 * of the cluster) without Jetty: SolrJ 9's own cloud client is tied to its Jetty 10 HTTP/2 client, which cannot
 * share a classpath with clip4j-server's Jetty 12. Requests go through SolrJ's java.net.http client instead.
 */
final class JdkCloudSolrClient extends CloudSolrClient {
    private final SolrHttpClients clients;
    private final JdkClusterStateProvider state;
    private final JdkLbSolrClient lb;

    private JdkCloudSolrClient(SolrHttpClients clients, JdkClusterStateProvider state) {
        // updates to shard leaders; batches are split by shard and sent one after the other (no thread pool);
        // a leader that is away sends an update to another replica, which forwards it
        super(true, false, false);
        this.clients = clients;
        this.state = state;
        this.lb = new JdkLbSolrClient(clients);
    }

    /** Connects to the cluster that the nodes of {@code solrUrls} belong to; throws when none of them answers. */
    static JdkCloudSolrClient connect(List<String> solrUrls) throws Exception {
        SolrHttpClients clients = new SolrHttpClients();
        try {
            return new JdkCloudSolrClient(clients, new JdkClusterStateProvider(solrUrls, clients));
        } catch (Exception | Error e) {
            clients.close();
            throw e;
        }
    }

    @Override
    protected LBSolrClient getLbClient() {
        return lb;
    }

    @Override
    public ClusterStateProvider getClusterStateProvider() {
        return state;
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
            lb.close();
            state.close();
        } finally {
            clients.close();
        }
    }
}
