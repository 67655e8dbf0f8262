package dev.foliofs.inject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Named places in the data path where a test can stop a thread or run an action, so that a
 * race is driven step by step instead of hoped for with sleeps.
 *
 * <p>Production code calls {@link #hit(String, long, long)} at each point. While no test has
 * armed anything this is one read of a static volatile boolean: zero cost when unused.
 * Actions run on the thread that reaches the point, in the order they were added; a
 * {@link Pause} blocks that thread until the test releases it.
 *
 * <p>Tests must call {@link #reset()} when done (the registry is global to the JVM).
 */
public final class InjectionPoints {
    private static volatile boolean armed;
    private static final List<Action> ACTIONS = new CopyOnWriteArrayList<>();

    private InjectionPoints() {}

    /** Where a thread is: the point's name, the inode and the file offset it is working on. */
    public record Hit(String point, long ino, long offset) {}

    private record Action(String point, Predicate<Hit> when, Consumer<Hit> action, boolean once) {}

    /** Marks that the calling thread reached {@code point} while working at {@code ino/offset}. */
    public static void hit(String point, long ino, long offset) {
        if (armed) {
            fire(new Hit(point, ino, offset));
        }
    }

    private static void fire(Hit hit) {
        for (Action a : ACTIONS) {
            if (a.point.equals(hit.point()) && a.when.test(hit) && (!a.once || ACTIONS.remove(a))) {
                a.action.accept(hit);
            }
        }
    }

    /** Runs {@code action} every time a thread reaches {@code point} and {@code when} holds. */
    public static void onHit(String point, Predicate<Hit> when, Consumer<Hit> action) {
        ACTIONS.add(new Action(point, when, action, false));
        armed = true;
    }

    /** Runs {@code action} the first time a thread reaches {@code point} with {@code when} true. */
    public static void onceAt(String point, Predicate<Hit> when, Consumer<Hit> action) {
        ACTIONS.add(new Action(point, when, action, true));
        armed = true;
    }

    /**
     * Stops the first thread that reaches {@code point} with {@code when} true, until
     * {@link Pause#release()}.
     */
    public static Pause pauseAt(String point, Predicate<Hit> when) {
        Pause pause = new Pause(point);
        onceAt(point, when, pause::arrive);
        return pause;
    }

    public static Pause pauseAt(String point) {
        return pauseAt(point, h -> true);
    }

    /** Removes every action and disarms all points; also switches the safety checks back on. */
    public static void reset() {
        armed = false;
        ACTIONS.clear();
        SafetyChecks.restoreDefaults();
    }
}
