package dev.foliofs.tools.fsx;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operations fsx performs on the file under test. Each kind has the name used on the
 * command line ({@code --ops-enabled}, {@code --ops-disabled}) and a weight: how often the
 * generator picks it relative to the others.
 */
public enum OpKind {
    READ("read", 4),
    WRITE("write", 4),
    MAP_READ("mapread", 2),
    MAP_WRITE("mapwrite", 2),
    TRUNCATE("truncate", 2),
    FALLOCATE("fallocate", 1),
    FALLOCATE_KEEP_SIZE("fallocate-keep-size", 1),
    PUNCH_HOLE("punch-hole", 1),
    ZERO_RANGE("zero-range", 1),
    FSYNC("fsync", 1),
    REOPEN("reopen", 1);

    private final String label;
    private final int weight;

    OpKind(String label, int weight) {
        this.label = label;
        this.weight = weight;
    }

    /** The name on the command line and in the operation log. */
    public String label() {
        return label;
    }

    int weight() {
        return weight;
    }

    /** True for the kinds that go through fallocate(2) and may be unsupported by a filesystem. */
    public boolean usesFallocate() {
        return this == FALLOCATE || this == FALLOCATE_KEEP_SIZE || this == PUNCH_HOLE || this == ZERO_RANGE;
    }

    /** The kind named {@code label} (case-insensitive); IllegalArgumentException lists the valid names. */
    public static OpKind byLabel(String label) {
        String wanted = label.trim().toLowerCase(Locale.ROOT);
        for (OpKind kind : values()) {
            if (kind.label.equals(wanted)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + label + "'; valid: " + allLabels());
    }

    /** Parses a comma-separated list of labels. */
    public static Set<OpKind> parseList(String list) {
        Set<OpKind> kinds = EnumSet.noneOf(OpKind.class);
        for (String label : list.split(",")) {
            if (!label.isBlank()) {
                kinds.add(byLabel(label));
            }
        }
        return kinds;
    }

    public static String allLabels() {
        return Arrays.stream(values()).map(OpKind::label).collect(Collectors.joining(","));
    }
}
