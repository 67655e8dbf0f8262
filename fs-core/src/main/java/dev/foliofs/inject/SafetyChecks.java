package dev.foliofs.inject;

/**
 * Test-only switches for the protections the race tests prove necessary. Always on in a
 * mounted filesystem; a test turns one off to show the corruption it prevents, and
 * {@link InjectionPoints#reset()} turns it back on.
 */
public final class SafetyChecks {
    private static volatile boolean extentSequenceCheck = true;

    private SafetyChecks() {}

    /**
     * Whether a cached mapping is validated against the inode's extent sequence number before
     * it is used (DESIGN.md invariant 1). Off only in tests.
     */
    public static boolean extentSequenceCheck() {
        return extentSequenceCheck;
    }

    /** For tests: {@code false} makes every cached mapping count as valid. */
    public static void setExtentSequenceCheck(boolean enabled) {
        extentSequenceCheck = enabled;
    }

    static void restoreDefaults() {
        extentSequenceCheck = true;
    }
}
