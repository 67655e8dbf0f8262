package dev.foliofs.xattr;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Extended attribute semantics of setxattr(2) and friends over {@link AuxRecords}: the
 * supported namespaces, name and value limits, and the XATTR_CREATE / XATTR_REPLACE flags.
 * Permission checks (who may touch which namespace) are the caller's, which knows the caller.
 *
 * <p>Contract: calls run inside {@code Volume.update} (changes) or {@code Volume.read}.
 */
public final class ExtendedAttributes {
    public static final int XATTR_CREATE = 1;
    public static final int XATTR_REPLACE = 2;
    /** Longest attribute name in bytes, prefix included (XATTR_NAME_MAX). */
    public static final int NAME_MAX = 255;

    /** The namespaces stored; others (system.*, unprefixed) answer EOPNOTSUPP. */
    public enum Namespace {
        USER("user."), TRUSTED("trusted."), SECURITY("security.");

        private final String prefix;

        Namespace(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    private final AuxRecords records;

    public ExtendedAttributes(AuxRecords records) {
        this.records = records;
    }

    /**
     * The namespace of a valid attribute name. ERANGE when the name is longer than
     * {@link #NAME_MAX} bytes, EINVAL when it is empty after the prefix or holds a NUL,
     * EOPNOTSUPP for an unsupported namespace.
     */
    public static Namespace namespaceOf(String name) {
        // UTF-8 takes at most three bytes per UTF-16 unit: short names need no encoding to check
        if (name.length() * 3 > NAME_MAX) {
            int bytes = name.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > NAME_MAX) {
                throw new FsException(Errno.ERANGE, "attribute name of " + bytes + " bytes");
            }
        }
        if (name.indexOf('\0') >= 0) {
            throw new FsException(Errno.EINVAL, "attribute name holds a NUL");
        }
        for (Namespace ns : Namespace.values()) {
            if (name.startsWith(ns.prefix)) {
                if (name.length() == ns.prefix.length()) {
                    throw new FsException(Errno.EINVAL, "empty attribute name in " + ns.prefix);
                }
                return ns;
            }
        }
        throw new FsException(Errno.EOPNOTSUPP, "attribute namespace of '" + name + "' not supported");
    }

    /** The summary bit of namespace {@code ns} (see {@link #namespaces}). */
    public static int bit(Namespace ns) {
        return 1 << ns.ordinal();
    }

    /** The value; ENODATA when absent. */
    public byte[] get(long ino, String name) {
        byte[] v = find(ino, name);
        if (v == null) {
            throw new FsException(Errno.ENODATA, "no attribute " + name);
        }
        return v;
    }

    /** The value, or null when absent. */
    public byte[] find(long ino, String name) {
        namespaceOf(name);
        return records.getXattr(ino, name);
    }

    /**
     * Which namespaces hold at least one attribute of {@code ino}: the OR of {@link #bit}s,
     * 0 for none. One scan of the inode's attribute names.
     */
    public int namespaces(long ino) {
        int bits = 0;
        for (String n : records.xattrNames(ino)) {
            for (Namespace ns : Namespace.values()) {
                if (n.startsWith(ns.prefix)) {
                    bits |= bit(ns);
                }
            }
        }
        return bits;
    }

    /**
     * Sets {@code name} to {@code value}. E2BIG beyond {@link AuxRecords#MAX_VALUE} bytes;
     * with XATTR_CREATE, EEXIST if present; with XATTR_REPLACE, ENODATA if absent; both flags
     * or unknown bits: EINVAL.
     */
    public void set(long ino, String name, byte[] value, int flags) {
        namespaceOf(name);
        if ((flags & ~(XATTR_CREATE | XATTR_REPLACE)) != 0 || flags == (XATTR_CREATE | XATTR_REPLACE)) {
            throw new FsException(Errno.EINVAL, "setxattr flags " + flags);
        }
        if (value.length > AuxRecords.MAX_VALUE) {
            throw new FsException(Errno.E2BIG, "attribute value of " + value.length + " bytes");
        }
        boolean exists = records.getXattr(ino, name) != null;
        if ((flags & XATTR_CREATE) != 0 && exists) {
            throw new FsException(Errno.EEXIST, "attribute " + name + " exists");
        }
        if ((flags & XATTR_REPLACE) != 0 && !exists) {
            throw new FsException(Errno.ENODATA, "no attribute " + name);
        }
        records.putXattr(ino, name, value);
    }

    /** Removes {@code name}; ENODATA when absent. */
    public void remove(long ino, String name) {
        namespaceOf(name);
        if (!records.deleteXattr(ino, name)) {
            throw new FsException(Errno.ENODATA, "no attribute " + name);
        }
    }

    public List<String> list(long ino) {
        return records.xattrNames(ino);
    }
}
