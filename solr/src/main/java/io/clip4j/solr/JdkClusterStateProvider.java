package io.clip4j.solr;

import java.util.List;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.impl.BaseHttpClusterStateProvider;

/** Reads the cluster's layout (live nodes, shards, leaders) from the nodes' HTTP API, through {@link SolrHttpClients}. */
final class JdkClusterStateProvider extends BaseHttpClusterStateProvider {
    private final SolrHttpClients clients;

    /** Asks the nodes of {@code solrUrls} for the live nodes at once: throws when none answers. */
    JdkClusterStateProvider(List<String> solrUrls, SolrHttpClients clients) throws Exception {
        this.clients = clients;
        initConfiguredNodes(solrUrls);
    }

    @Override
    protected SolrClient getSolrClient(String baseUrl) {
        return clients.forUrl(baseUrl);
    }
}
