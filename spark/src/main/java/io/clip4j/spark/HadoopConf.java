package io.clip4j.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The driver's Hadoop configuration (file systems, credentials set with {@code spark.hadoop.*}) as plain
 * strings, which travel with a task: Hadoop's {@link Configuration} itself is not serializable.
 */
record HadoopConf(Map<String, String> entries) implements Serializable {
    static HadoopConf of(Configuration conf) {
        Map<String, String> m = new HashMap<>();
        for (Map.Entry<String, String> e : conf) m.put(e.getKey(), e.getValue());
        return new HadoopConf(m);
    }

    Configuration toConfiguration() {
        Configuration conf = new Configuration(false);
        entries.forEach(conf::set);
        return conf;
    }
}
