package io.ktstr4j.pipeline.kernel;

import java.util.regex.Pattern;

/**
 * Cache keys in ktstr's shapes, so a key says what was built: {@code {version}-tarball-x86_64-kc{hash}},
 * {@code {ref}-git-{short}-x86_64-kc{hash}}, {@code local-{short}-x86_64-kc{hash}}, where {@code hash} is the CRC32 of
 * the config fragment the build merged ({@link Kconfig#hash()}); a {@code --label} is appended.
 */
public final class CacheKeys {

    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._+-]");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._+-]+");

    private CacheKeys() {
    }

    public static String tarball(String version, String kconfigHash) {
        return part(version) + "-tarball-" + KernelMetadata.ARCH + "-kc" + kconfigHash;
    }

    public static String git(String ref, String shortHash, String kconfigHash) {
        return part(ref) + "-git-" + shortHash + "-" + KernelMetadata.ARCH + "-kc" + kconfigHash;
    }

    /** A local tree's key; ktstr spells a tree without a commit {@code local-unknown-…}. */
    public static String local(String shortHash, String kconfigHash) {
        return "local-" + (shortHash == null ? "unknown" : shortHash) + "-" + KernelMetadata.ARCH + "-kc" + kconfigHash;
    }

    /** {@code key-label}, or the key alone for no label. */
    public static String withLabel(String key, String label) {
        if (label == null) {
            return key;
        }
        if (!LABEL.matcher(label).matches()) {
            throw new KernelException("--label '" + label + "': use letters, digits and . _ + - only");
        }
        return key + "-" + label;
    }

    /**
     * Checks a key given by the user (a folder name in the cache): not empty, no {@code /}, not starting with a dot
     * (the cache keeps its temporary folders under dot names), at most 200 characters.
     */
    public static String validate(String key, String option) {
        String why = key == null || key.isBlank() ? "is empty"
                : key.contains("/") || key.contains("\0") ? "must not contain '/'"
                : key.startsWith(".") ? "must not start with '.' (the cache's own folders do)"
                : key.length() > 200 ? "is longer than 200 characters"
                : null;
        if (why != null) {
            throw new KernelException(option + " '" + key + "' " + why + ": a cache key is a folder name such as "
                    + "6.12.117-tarball-x86_64-kc1a2b3c4d");
        }
        return key;
    }

    /** A ref or version made safe for a folder name ({@code for-next/x} → {@code for-next-x}). */
    static String part(String s) {
        return UNSAFE.matcher(s).replaceAll("-");
    }
}
