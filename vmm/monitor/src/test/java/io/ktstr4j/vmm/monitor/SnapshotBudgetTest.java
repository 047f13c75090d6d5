package io.ktstr4j.vmm.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.event.Snapshot;
import io.ktstr4j.schemas.monitor.BpfMapValue;
import io.ktstr4j.vmm.GuestMemory;
import io.ktstr4j.vmm.hooks.VmFreezer;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Defect 2 of issue 16: crafted guest data must not hang the host, exhaust its heap, or keep the guest frozen. Each
 * test builds the hostile input in a synthetic guest and takes a real snapshot; the bounds asserted are the
 * documented ones (docs/reliability.md).
 */
class SnapshotBudgetTest {

    static Btf btf;

    @BeforeAll
    static void loadBtf() {
        btf = Btf.load(KernelFiles.require("vmlinux.btf"));
    }

    static long allocatedEverywhere() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    static final class Freezer implements VmFreezer {
        final AtomicBoolean frozen = new AtomicBoolean();

        @Override
        public void freeze() {
            frozen.set(true);
        }

        @Override
        public void thaw() {
            frozen.set(false);
        }
    }

    static Snapshotter snapshotter(GuestMemory mem, SyntheticGuest guest, VmFreezer freezer,
                                   Snapshotter.Options options) {
        GuestKernel k = new GuestKernel(mem, guest.symbols(), btf, null);
        k.space();
        MonitorSampler s = new MonitorSampler(k, guest.cpus(), MonitorSampler.Options.defaults(), null, null, () -> 0);
        return new Snapshotter(s, freezer, () -> 0, options);
    }

    /** unions 9 deep, 5 members each: 2.4 million values to render from a 64-byte map value. */
    @Test
    void deeplyNestedUnionsAreRenderedWithinTheBudget() {
        SyntheticGuest guest = new SyntheticGuest(btf, 2);
        BtfBuilder b = new BtfBuilder();
        int t = b.intType("unsigned long long", 8, false);
        for (int level = 0; level < 9; level++) {
            t = b.union("u" + level, 64, "a", t, 0, 0, "b", t, 0, 0, "c", t, 0, 0, "d", t, 0, 0, "e", t, 0, 0);
        }
        guest.addArrayMap("nested", BpfMapReader.BPF_MAP_TYPE_ARRAY, 64, List.of(new byte[64]), b.bytes(), t);
        guest.addArrayMap("after", BpfMapReader.BPF_MAP_TYPE_ARRAY, 4, List.of(new byte[] {7, 0, 0, 0}), null, 0);
        Freezer freezer = new Freezer();
        Snapshotter snap = snapshotter(guest.memory(), guest, freezer, Snapshotter.Options.defaults());

        long before = allocatedEverywhere();
        long t0 = System.nanoTime();
        Snapshot s = snap.capture();
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        long allocated = allocatedEverywhere() - before;

        assertThat(allocated).as("bytes allocated by one snapshot of a hostile map").isLessThan(128L << 20);
        assertThat(tookMs).as("capture time, ms").isLessThan(Snapshotter.DEFAULT_FREEZE_BUDGET.toMillis() + 1000);
        assertThat(freezer.frozen).as("the guest is thawed").isFalse();
        // the value budget, or on a cold JVM the freeze deadline, whichever comes first
        assertThat(s.incomplete()).matches("budget_exceeded: (more than 200000 rendered values in one snapshot"
                + "|the guest stayed frozen 500 ms, its budget)");
        assertThat(s.cpus()).hasSize(2);
        assertThat(snap.errors().count(MonitorErrors.SNAPSHOT_BUDGET)).isEqualTo(1);
    }

    /** 64 entries × 16 CPUs × 256 KiB: a PERCPU map that multiplied to 256 MiB read (and 512 MiB of hex). */
    @Test
    void aHugePercpuMapIsReadUpToItsPerMapBound() {
        SyntheticGuest guest = new SyntheticGuest(btf, 16);
        List<byte[]> pptrs = new ArrayList<>(Collections.nCopies(64, new byte[8])); // pptr 0: area = per-CPU base
        long map = guest.addArrayMap("pcpu", BpfMapReader.BPF_MAP_TYPE_PERCPU_ARRAY, 8, pptrs, null, 0);
        guest.writeField(map, "bpf_map.value_size", BpfMapReader.MAX_VALUE_BYTES);
        guest.writeField(map, "bpf_array.elem_size", BpfMapReader.MAX_VALUE_BYTES);
        Freezer freezer = new Freezer();
        Snapshotter snap = snapshotter(guest.memory(), guest, freezer, Snapshotter.Options.defaults());

        long before = allocatedEverywhere();
        Snapshot s = snap.capture();
        long allocated = allocatedEverywhere() - before;

        assertThat(allocated).as("bytes allocated reading one PERCPU map").isLessThan(32L << 20);
        BpfMapValue m = s.bpfMaps().get(0);
        assertThat(m.name()).isEqualTo("pcpu");
        assertThat(m.entries()).hasSize(BpfMapReader.MAX_MAP_BYTES / BpfMapReader.MAX_VALUE_BYTES);
        assertThat(m.entries().get(1).keyHex()).isEqualTo("00000000@cpu1");
        assertThat(snap.errors().count(MonitorErrors.BPF_MAP)).as("the cut is counted").isEqualTo(1);
    }

    /** Many 1 MiB maps: the per-snapshot byte budget stops the reading, and the maps read so far are kept. */
    @Test
    void theSnapshotByteBudgetKeepsWhatWasRead() {
        SyntheticGuest guest = new SyntheticGuest(btf, 16);
        int maps = 40; // 40 MiB of values, 80 MiB of hex: over the 32 MiB budget
        for (int i = 0; i < maps; i++) {
            long map = guest.addArrayMap("pcpu" + i, BpfMapReader.BPF_MAP_TYPE_PERCPU_ARRAY, 8,
                    List.of(new byte[8], new byte[8], new byte[8], new byte[8]), null, 0);
            guest.writeField(map, "bpf_map.value_size", BpfMapReader.MAX_MAP_BYTES / 64);
            guest.writeField(map, "bpf_array.elem_size", BpfMapReader.MAX_MAP_BYTES / 64);
        }
        // a freeze budget long enough for a cold JVM: this test is about bytes
        Snapshotter snap = snapshotter(guest.memory(), guest, new Freezer(),
                new Snapshotter.Options(true, n -> true, Duration.ofSeconds(20)));
        Snapshot s = snap.capture();
        assertThat(s.incomplete()).startsWith("budget_exceeded: ")
                .endsWith("more than 33554432 bytes of guest data in one snapshot");
        assertThat(s.bpfMaps()).isNotEmpty().hasSizeLessThan(maps);
        assertThat(s.bpfMaps().get(0).entries()).hasSize(64);
    }

    /** Guest memory that takes 100 ms per read once frozen: the capture gives up at its budget and thaws. */
    @Test
    void aSlowReadNeverKeepsTheGuestFrozenPastTheBudget() throws Exception {
        SyntheticGuest guest = new SyntheticGuest(btf, 4);
        Freezer freezer = new Freezer();
        AtomicBoolean slow = new AtomicBoolean(true);
        GuestMemory inner = guest.memory();
        GuestMemory mem = new GuestMemory() {
            @Override
            public long size() {
                return inner.size();
            }

            @Override
            public boolean contains(long gpa, long len) {
                return inner.contains(gpa, len);
            }

            @Override
            public void read(long gpa, byte[] dst, int off, int len) {
                if (slow.get() && freezer.frozen.get()) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                inner.read(gpa, dst, off, len);
            }

            @Override
            public void write(long gpa, byte[] src, int off, int len) {
                inner.write(gpa, src, off, len);
            }
        };
        Duration budget = Duration.ofMillis(300);
        Snapshotter snap = snapshotter(mem, guest, freezer, new Snapshotter.Options(true, n -> true, budget));
        try {
            long t0 = System.nanoTime();
            Snapshot s = snap.capture();
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(tookMs).as("capture time, ms").isLessThan(budget.toMillis() + 250);
            assertThat(s.freezeNs()).isBetween(budget.toNanos(), budget.toNanos() + 250_000_000L);
            assertThat(freezer.frozen).as("thawed at the deadline").isFalse();
            assertThat(s.incomplete()).isEqualTo("budget_exceeded: the guest stayed frozen 300 ms, its budget");
            assertThat(s.cpus()).isEmpty();

            // the reader is still stuck in a read: the next capture does not freeze the guest again
            Snapshot next = snap.capture();
            assertThat(next.freezeNs()).isZero();
            assertThat(next.incomplete()).contains("still busy");
            assertThat(snap.errors().count(MonitorErrors.SNAPSHOT_BUDGET)).isEqualTo(2);
        } finally {
            slow.set(false);
        }
        Thread.sleep(300); // the stuck reader finishes its read and sees the budget gone
        Snapshot after = snap.capture();
        assertThat(after.incomplete()).isNull();
        assertThat(after.cpus()).hasSize(4);
    }

    @Test
    void aBtfNameWithoutNulIsRefusedNotCopiedPerType() {
        // 2000 types all named at offset 1 of a 1 MiB string section without a NUL after it
        int types = 2000;
        int strLen = 1 << 20;
        ByteBuffer blob = ByteBuffer.allocate(24 + types * 16 + strLen).order(ByteOrder.LITTLE_ENDIAN);
        blob.putShort((short) Btf.MAGIC).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(types * 16)
                .putInt(types * 16).putInt(strLen);
        for (int i = 0; i < types; i++) {
            blob.putInt(1).putInt(Btf.KIND_INT << 24).putInt(4).putInt(32); // INT "xxxx…", 4 bytes
        }
        blob.put((byte) 0);
        while (blob.hasRemaining()) {
            blob.put((byte) 'x');
        }
        Btf hostile = Btf.parse(blob.flip());
        long before = allocatedEverywhere();
        assertThatThrownBy(() -> hostile.hasType("int"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BTF: string at offset 1 has no NUL within 1024 bytes (or runs past the string section)");
        assertThat(allocatedEverywhere() - before).isLessThan(16L << 20);
    }
}
