package dev.foliofs.tools.stats;

import java.util.Map;

/** One line of Prometheus text: a metric name, its labels and its value. */
record Sample(String name, Map<String, String> labels, double value) {
    Sample {
        labels = Map.copyOf(labels);
    }

    String label(String key) {
        return labels.get(key);
    }
}
