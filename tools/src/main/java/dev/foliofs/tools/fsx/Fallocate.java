package dev.foliofs.tools.fsx;

/**
 * fallocate(2) on a descriptor: returns 0 on success, else the errno. A seam so that tests can
 * play a filesystem that lacks a mode; {@link #NATIVE} is the real call.
 */
@FunctionalInterface
public interface Fallocate {
    Fallocate NATIVE = Libc::fallocate;

    int call(int fd, int mode, long offset, long length);
}
