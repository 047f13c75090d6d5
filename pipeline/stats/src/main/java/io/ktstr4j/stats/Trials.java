package io.ktstr4j.stats;

import io.ktstr4j.schemas.metric.MetricRegistry;
import io.ktstr4j.schemas.sidecar.HostContext;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Sidecar to {@link Trial}: the one place that decides which fields of a result identify it, pair it and measure it.
 * A new sidecar field that must keep results apart (the host's overcommit, say) joins {@link #variantExtra}; one that
 * names the variant (a variant hash) replaces the local digest in {@link #variantHash}.
 */
public final class Trials {

    private Trials() {
    }

    /** The trial of one result. */
    public static Trial of(SidecarResult r) {
        double[] values = new double[MetricRegistry.registry().size()];
        for (int i = 0; i < values.length; i++) {
            Double v = MetricRegistry.read(i, r);
            values[i] = v == null ? Double.NaN : v;
        }
        return new Trial(id(naturalKey(r)), r.runId(), r.variantKey(), dims(r), timestampMs(r), r.effectiveOutcome(),
                r.host(), values, MetricRegistry.payloadValues(r));
    }

    /** The dimensions a result shares with the other trials of its variant. */
    public static VariantDims dims(SidecarResult r) {
        Map<Dimension, String> d = new EnumMap<>(Dimension.class);
        d.put(Dimension.KERNEL, r.kernelVersion());
        d.put(Dimension.SCHEDULER, r.scheduler());
        d.put(Dimension.TOPOLOGY, r.topology());
        d.put(Dimension.WORK_TYPE, r.workType());
        d.put(Dimension.PROJECT_COMMIT, r.projectCommit());
        d.put(Dimension.KERNEL_COMMIT, r.kernelCommit());
        d.put(Dimension.RUN_SOURCE, r.runSource());
        d.put(Dimension.FLAGS, String.join(",", r.activeFlags()));
        d.put(Dimension.BACKEND, r.backend());
        return new VariantDims(r.testName(), d, variantExtra(r));
    }

    /**
     * The fields besides the dimensions that make results of one test different variants: they pair only with their
     * equals. Besides the backend (a dimension), a result emulated in software ({@code tcg}) never pairs with one
     * that ran on hardware, nor an overcommitted one ({@code execution.concurrent_vcpus} above its {@code host_cpus}, or
     * without an execution record {@code cpu_overcommit} > 1: more vCPUs than host CPUs) with one
     * that was not; the exact ratio does not split results, or hosts of different sizes would never pair. Unknown
     * (ktstr's sidecars, skips) pairs with unknown.
     */
    public static String variantExtra(SidecarResult r) {
        // a gauntlet's result knows what ran beside it (sidecar 1.3); an older one only its own vCPUs per host CPU
        String overcommitted = r.execution() != null ? String.valueOf(r.execution().overcommitted())
                : r.cpuOvercommit() == null ? "" : String.valueOf(r.cpuOvercommit() > 1.0);
        // sorted: the same sysctls written in another order are the same variant (as the variant hash has them)
        return "payload=" + nz(r.payload()) + ";sysctls=" + String.join(",", r.sysctls().stream().sorted().toList())
                + ";kargs=" + String.join(",", r.kargs().stream().sorted().toList())
                + ";tcg=" + (r.tcg() == null ? "" : r.tcg()) + ";overcommitted=" + overcommitted;
    }

    /**
     * The variant's hash: the sidecar's {@code variant_hash} when it has one, else a digest of what ktstr hashes
     * (topology, scheduler, payload, work type, flags, sysctls, kargs) and the kernel, which ktstr keeps in the
     * folder name instead.
     */
    public static String variantHash(SidecarResult r) {
        if (r.variantHash() != null) {
            return r.variantHash();
        }
        return hex(digest(String.join("\u0000", r.topology(), r.scheduler(), nz(r.payload()), r.workType(),
                String.join(",", r.activeFlags()), String.join(",", r.sysctls()), String.join(",", r.kargs()),
                nz(r.kernelVersion())))).substring(0, 16);
    }

    /**
     * The natural key of a trial: run id, variant ({@code variant_key}, or test name and {@link #variantHash} for a
     * ktstr sidecar) and timestamp. The same result ingested twice has the same key and is stored once.
     */
    public static String naturalKey(SidecarResult r) {
        String variant = r.variantKey() != null ? r.variantKey() : r.testName() + "-" + variantHash(r);
        return r.runId() + "/" + variant + "@" + r.timestamp();
    }

    /** The first 64 bits of the SHA-256 of a key: the store's row id. */
    public static long id(String key) {
        return ByteBuffer.wrap(digest(key)).getLong();
    }

    /** The run's start in epoch ms (0 when the timestamp is not ISO 8601: the trial still counts, dated 1970). */
    public static long timestampMs(SidecarResult r) {
        try {
            return OffsetDateTime.parse(r.timestamp()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(r.timestamp()).toEpochMilli();
            } catch (DateTimeParseException e2) {
                return 0;
            }
        }
    }

    /** A short label for a host: CPU model, online CPUs, kernel release; null without a host context. */
    public static String hostLabel(HostContext h) {
        if (h == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(h.cpuModel() == null ? "unknown CPU" : h.cpuModel().strip());
        if (h.onlineCpus() != null) {
            sb.append(", ").append(h.onlineCpus()).append(" CPUs");
        }
        if (h.kernelRelease() != null) {
            sb.append(", ").append(h.kernelRelease());
        }
        return sb.toString();
    }


    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
