package dev.foliofs.tools.stats;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The samples of one scrape and when it was taken ({@code nanos}, a monotonic clock reading,
 * used only to compute rates between two scrapes).
 */
record Scrape(List<Sample> samples, long nanos) {

    Scrape {
        samples = List.copyOf(samples);
    }

    static Scrape of(String text, long nanos) {
        return new Scrape(PrometheusText.parse(text), nanos);
    }

    /** True when some sample has this exact name. */
    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    /** The first of {@code names} that this scrape has. */
    Optional<String> firstPresent(List<String> names) {
        return names.stream().filter(this::has).findFirst();
    }

    /**
     * The sum of the samples named {@code name} whose labels include all of {@code match}; empty
     * when there is no such sample.
     */
    OptionalDouble sum(String name, Map<String, String> match) {
        double total = 0;
        boolean found = false;
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(match.entrySet())) {
                total += s.value();
                found = true;
            }
        }
        return found ? OptionalDouble.of(total) : OptionalDouble.empty();
    }

    OptionalDouble sum(String name) {
        return sum(name, Map.of());
    }
}
