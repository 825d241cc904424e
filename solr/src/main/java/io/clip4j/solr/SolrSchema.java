package io.clip4j.solr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.request.schema.FieldTypeDefinition;
import org.apache.solr.client.solrj.request.schema.SchemaRequest;
import org.apache.solr.client.solrj.response.schema.SchemaResponse;
import org.apache.solr.common.params.ModifiableSolrParams;

/**
 * The fields of a clip4j collection, added through the Schema API when missing, so that a collection made with
 * clip4j's configset or with any other one whose managed schema is mutable (Solr's {@code _default}) works.
 * The vector field is named after its dimension ({@code vector_512}): collections of models of different
 * dimensions can share a configset.
 */
final class SolrSchema {
    static final String F_KIND = "clip4j_kind",
            F_PATH = "path",
            F_HASH = "hash",
            F_SIZE = "size",
            F_MTIME = "mtime",
            F_META = "clip4j_meta";
    static final String T_STRING = "clip4j_string", T_LONG = "clip4j_long", T_STORED_TEXT = "clip4j_stored_text";
    /** HNSW graph parameters, as in the embedded Lucene index: generous, as recall matters more than size. */
    static final int HNSW_M = 16, HNSW_BEAM = 100;
    /** How long a schema change may take to reach every replica before the Schema API answers. */
    static final int UPDATE_TIMEOUT_SECONDS = 60;

    private SolrSchema() {}

    static String vectorField(int dim) {
        return "vector_" + dim;
    }

    static String vectorType(int dim) {
        return "clip4j_vector_" + dim;
    }

    /** Adds whatever of clip4j's field types and fields the collection's schema lacks. */
    static void ensure(SolrClient client, String collection, int dim) throws SolrServerException, IOException {
        List<SchemaRequest.Update> updates = missing(client, collection, dim);
        if (updates.isEmpty()) return;
        ModifiableSolrParams params = new ModifiableSolrParams();
        params.set("updateTimeoutSecs", UPDATE_TIMEOUT_SECONDS);
        SchemaResponse.UpdateResponse r = new SchemaRequest.MultiUpdate(updates, params).process(client, collection);
        Object errors = r.getResponse().get("errors");
        // another writer may have added the same fields meanwhile: what counts is that they are there now
        if (errors != null && !missing(client, collection, dim).isEmpty()) {
            throw new IOException("schema update refused: " + errors);
        }
    }

    private static List<SchemaRequest.Update> missing(SolrClient client, String collection, int dim)
            throws SolrServerException, IOException {
        Set<String> types = new HashSet<>(), fields = new HashSet<>();
        for (FieldTypeDefinition t :
                new SchemaRequest.FieldTypes().process(client, collection).getFieldTypes()) {
            types.add(String.valueOf(t.getAttributes().get("name")));
        }
        for (Map<String, Object> f :
                new SchemaRequest.Fields().process(client, collection).getFields()) {
            fields.add(String.valueOf(f.get("name")));
        }
        List<SchemaRequest.Update> updates = new ArrayList<>();
        addType(updates, types, T_STRING, "solr.StrField", "docValues", true, "sortMissingLast", true);
        addType(updates, types, T_LONG, "solr.LongPointField", "docValues", true);
        // stored only: no length limit (an indexed string term stops at 32 kB)
        addType(updates, types, T_STORED_TEXT, "solr.StrField", "indexed", false, "docValues", false);
        addType(
                updates,
                types,
                vectorType(dim),
                "solr.DenseVectorField",
                "vectorDimension",
                dim,
                "similarityFunction",
                "dot_product",
                "knnAlgorithm",
                "hnsw",
                "hnswMaxConnections",
                HNSW_M,
                "hnswBeamWidth",
                HNSW_BEAM);
        addField(updates, fields, F_KIND, T_STRING);
        addField(updates, fields, F_PATH, T_STRING);
        addField(updates, fields, F_HASH, T_STRING);
        addField(updates, fields, F_SIZE, T_LONG);
        addField(updates, fields, F_MTIME, T_LONG);
        addField(updates, fields, F_META, T_STORED_TEXT);
        addField(updates, fields, vectorField(dim), vectorType(dim));
        return updates;
    }

    private static void addType(
            List<SchemaRequest.Update> updates, Set<String> have, String name, String cls, Object... kv) {
        if (have.contains(name)) return;
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", name);
        a.put("class", cls);
        for (int i = 0; i < kv.length; i += 2) a.put((String) kv[i], kv[i + 1]);
        FieldTypeDefinition def = new FieldTypeDefinition();
        def.setAttributes(a);
        updates.add(new SchemaRequest.AddFieldType(def));
    }

    private static void addField(List<SchemaRequest.Update> updates, Set<String> have, String name, String type) {
        if (have.contains(name)) return;
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", name);
        a.put("type", type);
        a.put("indexed", true);
        a.put("stored", true);
        a.put("multiValued", false);
        if (type.equals(T_STORED_TEXT)) a.put("indexed", false);
        updates.add(new SchemaRequest.AddField(a));
    }
}
