package io.ktstr4j.pipeline;

import io.ktstr4j.schemas.sidecar.SidecarResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.bouncycastle.crypto.macs.SipHash;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * ktstr's variant hash: the 64-bit discriminator in a sidecar's file name ({@code <test>-<hash>.ktstr.json}) and, in
 * ours, its {@code variant_hash} field. SipHash-1-3 with a zero key over the fields that tell gauntlet variants of one
 * test apart, in this order: topology, scheduler, payload, work type, active flags, sysctls, kernel arguments. Host,
 * commits, run source and results are left out on purpose, so runs of the same variant on other hosts or commits share
 * the hash. The byte encoding is ktstr's (see docs/sidecars.md), checked against the values ktstr pins in its tests.
 */
public final class VariantHash {

    /** ktstr's canonical flag order ({@code scenario::flags::ALL}); other flags follow in byte order. */
    static final List<String> KTSTR_FLAG_ORDER = List.of("llc", "borrow", "steal", "rebal", "reject-pin", "no-ctrl");

    private static final Comparator<String> BYTES = (a, b) -> Arrays.compareUnsigned(utf8(a), utf8(b));

    private VariantHash() {
    }

    /** The hash of a sidecar's identity fields. */
    public static long of(SidecarResult s) {
        return of(s.topology(), s.scheduler(), s.payload(), s.workType(), s.activeFlags(), s.sysctls(), s.kargs());
    }

    /** The hash as the sidecar's {@code variant_hash} and file names write it: 16 lowercase hex digits. */
    public static String hex(long hash) {
        return String.format(java.util.Locale.ROOT, "%016x", hash);
    }

    /**
     * The hash of the identity fields. Each string is its UTF-8 bytes followed by a 0 byte; the payload is preceded by
     * 0xfc (and an absent payload is just 0xfc, 0); each list is preceded by its own marker (0xfe flags, 0xfd sysctls,
     * 0xff kernel arguments) and is order-insensitive: flags in ktstr's canonical order, sysctls and kernel arguments
     * sorted by their bytes.
     */
    static long of(String topology, String scheduler, String payload, String workType, Collection<String> flags,
                   Collection<String> sysctls, Collection<String> kargs) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        field(b, topology);
        field(b, scheduler);
        b.write(0xfc);
        field(b, payload == null ? "" : payload);
        field(b, workType);
        b.write(0xfe);
        canonicalFlags(flags).forEach(f -> field(b, f));
        b.write(0xfd);
        sorted(sysctls).forEach(s -> field(b, s));
        b.write(0xff);
        sorted(kargs).forEach(k -> field(b, k));
        return sipHash13(new byte[16], b.toByteArray());
    }

    /** SipHash-1-3 (1 compression round, 3 finalization rounds) of {@code message} under a 16-byte key. */
    static long sipHash13(byte[] key, byte[] message) {
        return sipHash(1, 3, key, message);
    }

    /** SipHash-c-d; the rounds are parameters so the published SipHash-2-4 vectors test the same code path. */
    static long sipHash(int c, int d, byte[] key, byte[] message) {
        SipHash mac = new SipHash(c, d);
        mac.init(new KeyParameter(key));
        mac.update(message, 0, message.length);
        return mac.doFinal();
    }

    /** ktstr's flags first in its canonical order, then any other flag by its bytes. */
    static List<String> canonicalFlags(Collection<String> flags) {
        List<String> out = new ArrayList<>(flags);
        out.sort(Comparator.<String>comparingInt(f -> {
            int i = KTSTR_FLAG_ORDER.indexOf(f);
            return i < 0 ? Integer.MAX_VALUE : i;
        }).thenComparing(BYTES));
        return out;
    }

    private static List<String> sorted(Collection<String> values) {
        List<String> out = new ArrayList<>(values);
        out.sort(BYTES); // Rust sorts &str by bytes; String.compareTo would order by UTF-16 units
        return out;
    }

    private static void field(ByteArrayOutputStream b, String s) {
        b.writeBytes(utf8(s));
        b.write(0);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
