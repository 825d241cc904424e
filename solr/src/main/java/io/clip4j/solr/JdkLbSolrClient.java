package io.clip4j.solr;

import java.util.List;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.impl.LBSolrClient;

/**
 * SolrJ's load balancer (tries the replicas of a request in turn, sets aside the ones that fail and checks them
 * again later) over {@link SolrHttpClients} instead of Jetty's client.
 */
final class JdkLbSolrClient extends LBSolrClient {
    private final SolrHttpClients clients;

    JdkLbSolrClient(SolrHttpClients clients) {
        super(List.of());
        this.clients = clients;
    }

    @Override
    protected SolrClient getClient(String baseUrl) {
        return clients.forUrl(baseUrl);
    }

    @Override
    protected SolrClient getClient(Endpoint endpoint) {
        return clients.forUrl(endpoint.getUrl());
    }
}
