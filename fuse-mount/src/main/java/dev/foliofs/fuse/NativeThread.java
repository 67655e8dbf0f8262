package dev.foliofs.fuse;

import jnr.ffi.LibraryLoader;

/**
 * The native thread a callback runs on. Reply filters key their notes by it, not by the Java
 * thread: jffi may detach a libfuse worker after a callback (always after its first one) and
 * attach it as a new Java thread for the reply.
 */
final class NativeThread {
    /** pthread_self from libc. */
    public interface Pthread {
        long pthread_self();
    }

    private static final class Libc {
        static final Pthread PTHREAD = LibraryLoader.create(Pthread.class).load("c");
    }

    private NativeThread() {
    }

    /** {@code pthread_self()} of the calling thread: never 0 for a live thread. */
    static long id() {
        return Libc.PTHREAD.pthread_self();
    }
}
