package dev.foliofs.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TeardownTest {

    @Test
    void stepsRunNewestFirstAndEachOnlyOnce() throws Exception {
        List<String> ran = new ArrayList<>();
        Teardown teardown = new Teardown(ran::add);
        teardown.push("delete image", () -> ran.add("delete image"));
        Teardown.Step detach = teardown.push("detach", () -> ran.add("detach"));
        teardown.push("unmount", () -> ran.add("unmount"));

        detach.undo();
        detach.undo();
        teardown.close();
        teardown.close();

        assertThat(ran).containsExactly("detach", "unmount", "delete image");
        assertThat(teardown.pending()).isEmpty();
    }

    @Test
    void aFailingStepIsReportedAndTheOthersStillRun() {
        List<String> ran = new ArrayList<>();
        Teardown teardown = new Teardown(ran::add);
        teardown.push("detach", () -> ran.add("detach"));
        teardown.push("unmount", () -> {
            throw new IllegalStateException("target is busy");
        });

        teardown.close();

        assertThat(ran).containsExactly("cleanup: unmount failed: target is busy", "detach");
    }

    @Test
    void theShutdownHookIsRemovedAtClose() {
        Teardown teardown = new Teardown(line -> { });
        teardown.installShutdownHook(() -> { });
        teardown.push("x", () -> { });

        teardown.close();

        assertThat(teardown.pending()).isEmpty();
    }
}
