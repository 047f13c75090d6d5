package io.ktstr4j.vmm.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.event.Snapshot;
import io.ktstr4j.schemas.monitor.BpfMapValue;
import io.ktstr4j.vmm.GuestMemory;
import io.ktstr4j.vmm.hooks.VmFreezer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

class SnapshotterTest {

    static Btf btf;
    SyntheticGuest guest;
    FreezeRecorder freezer;
    VirtualTimeScheduler vts;

    @BeforeAll
    static void loadBtf() {
        btf = Btf.load(KernelFiles.require("vmlinux.btf"));
    }

    /** Records freeze/thaw and flags guest reads made while the guest runs. */
    static final class FreezeRecorder implements VmFreezer {
        final AtomicBoolean frozen = new AtomicBoolean();
        final AtomicInteger freezes = new AtomicInteger();
        final AtomicInteger thaws = new AtomicInteger();
        final AtomicInteger readsWhileRunning = new AtomicInteger();
        volatile boolean fail;

        @Override
        public void freeze() {
            if (fail) {
                throw new IllegalStateException("QMP stop failed");
            }
            freezes.incrementAndGet();
            frozen.set(true);
        }

        @Override
        public void thaw() {
            thaws.incrementAndGet();
            frozen.set(false);
        }
    }

    GuestMemory watched(GuestMemory inner) {
        return new GuestMemory() {
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
                if (!freezer.frozen.get()) {
                    freezer.readsWhileRunning.incrementAndGet();
                }
                inner.read(gpa, dst, off, len);
            }

            @Override
            public void write(long gpa, byte[] src, int off, int len) {
                inner.write(gpa, src, off, len);
            }
        };
    }

    @BeforeEach
    void setUp() {
        guest = new SyntheticGuest(btf, 4);
        freezer = new FreezeRecorder();
        vts = VirtualTimeScheduler.create();
    }

    Snapshotter snapshotter() {
        GuestKernel k = new GuestKernel(watched(guest.memory()), guest.symbols(), btf, null);
        k.space(); // attach up front so only the capture's own reads are watched
        freezer.readsWhileRunning.set(0);
        MonitorSampler s = new MonitorSampler(k, 4, MonitorSampler.Options.defaults(), null, null, () -> 0);
        return new Snapshotter(s, freezer, () -> vts.now(TimeUnit.MILLISECONDS), Snapshotter.Options.defaults(),
                () -> vts);
    }

    @Test
    void scheduleIsEquallySpacedInsideTenToNinetyPercent() {
        List<Duration> at = Snapshotter.schedule(4, Duration.ofSeconds(10));
        assertThat(at).containsExactly(Duration.ofMillis(2000), Duration.ofMillis(4000), Duration.ofMillis(6000),
                Duration.ofMillis(8000));
        assertThat(Snapshotter.schedule(1, Duration.ofSeconds(10))).containsExactly(Duration.ofSeconds(5));
        assertThat(Snapshotter.schedule(0, null)).isEmpty();
    }

    @Test
    void threePeriodicSnapshotsFireInsideTheWindowAnchoredAtScenarioStart() {
        guest.setRq(0, 6, 6, 2, 1000, 0);
        Snapshotter snap = snapshotter();
        List<Snapshot> got = new ArrayList<>();
        // SCENARIO_START arrives 3 s after the VM started; the workload runs 9 s.
        Mono<String> scenarioStart = Mono.delay(Duration.ofSeconds(3), vts).map(x -> "SCST");
        AtomicBoolean done = new AtomicBoolean();
        snap.periodic(scenarioStart, 3, Duration.ofSeconds(9)).subscribe(got::add, e -> {}, () -> done.set(true));
        vts.advanceTimeBy(Duration.ofSeconds(3));
        assertThat(got).isEmpty();
        vts.advanceTimeBy(Duration.ofSeconds(30));
        assertThat(done).isTrue();
        assertThat(got).hasSize(3);
        assertThat(got).extracting(Snapshot::index).containsExactly(0, 1, 2);
        // 3 s + (0.9, 0.1 + 0.8*1.5/3, ...) * 9 s = 5.1 s, 7.5 s, 9.9 s since VM start
        assertThat(got).extracting(Snapshot::elapsedMs).containsExactly(5100L, 7500L, 9900L);
        assertThat(got).allSatisfy(s -> assertThat(s.elapsedMs()).isBetween(3000L + 900, 3000L + 8100));
        assertThat(got.get(0).cpus().get(0).nrRunning()).isEqualTo(6);
        assertThat(freezer.freezes.get()).isEqualTo(3);
        assertThat(freezer.thaws.get()).isEqualTo(3);
        assertThat(freezer.readsWhileRunning.get()).as("every guest read happened while frozen").isZero();
        assertThat(got).allSatisfy(s -> assertThat(s.freezeNs()).isPositive());
    }

    @Test
    void capturesScxStateAndTypedBssMap() {
        guest.setScx("SCX_OPS_ENABLED", "simple");
        // program BTF: .bss { u64 nr_dispatched; bool stalled; char tag[8]; }
        BtfBuilder b = new BtfBuilder();
        int u64 = b.intType("unsigned long long", 8, false);
        int boolT = b.boolType();
        int charT = b.intType("char", 1, true);
        int u32 = b.intType("unsigned int", 4, false);
        int arr = b.array(charT, u32, 8);
        int v1 = b.var("nr_dispatched", u64);
        int v2 = b.var("stalled", boolT);
        int v3 = b.var("tag", arr);
        int bss = b.datasec(".bss", 24, v1, 0, 8, v2, 8, 1, v3, 16, 8);
        ByteBuffer value = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 4242);
        value.put(8, (byte) 0);
        value.put(16, "hello".getBytes());
        guest.addArrayMap("simple.bss", BpfMapReader.BPF_MAP_TYPE_ARRAY, 24, List.of(value.array()), b.bytes(), bss);
        guest.addArrayMap("raw_arr", BpfMapReader.BPF_MAP_TYPE_ARRAY, 4, List.of(new byte[] {1, 0, 0, 0},
                new byte[] {2, 0, 0, 0}), null, 0);
        guest.addArrayMap("a_hash", 1, 8, List.of(), null, 0);

        Snapshot s = snapshotter().capture();
        assertThat(s.scx().ops()).isEqualTo("simple");
        assertThat(s.scx().enableState()).isEqualTo("SCX_OPS_ENABLED");
        assertThat(s.bpfMaps()).extracting(BpfMapValue::name).containsExactly("simple.bss", "raw_arr", "a_hash");
        BpfMapValue bssMap = s.bpfMaps().get(0);
        assertThat(bssMap.mapType()).isEqualTo("ARRAY");
        assertThat(bssMap.fields()).containsExactly(Map.entry("nr_dispatched", 4242L), Map.entry("stalled", false),
                Map.entry("tag", "hello"));
        BpfMapValue raw = s.bpfMaps().get(1);
        assertThat(raw.fields()).isEmpty();
        assertThat(raw.entries()).extracting(BpfMapValue.RawEntry::valueHex).containsExactly("01000000", "02000000");
        assertThat(s.bpfMaps().get(2).mapType()).isEqualTo("HASH");
        assertThat(freezer.readsWhileRunning.get()).isZero();
    }

    @Test
    void hostileMapIdrIsBoundedAndAFailedFreezeStillYieldsACountedSnapshot() {
        guest.addArrayMap("m1", BpfMapReader.BPF_MAP_TYPE_ARRAY, 4, List.of(new byte[4]), null, 0);
        long node = guest.mapIdrNode();
        long slots = btf.field("xa_node.slots").offset();
        // make the root node an interior node (shift 6) whose slot 5 points back at itself
        guest.memory().writeU8(node + btf.field("xa_node.shift").offset(), (byte) 6);
        guest.memory().writeU64(node + slots + 8 * 5, SyntheticGuest.directMap(node) | 2);
        // and a garbage map pointer in another slot
        guest.memory().writeU64(node + slots + 8 * 7, SyntheticGuest.directMap(1L << 41));
        freezer.fail = true;
        Snapshotter snap = snapshotter();
        Snapshot s = snap.capture();
        assertThat(s.freezeNs()).isZero();
        assertThat(s.cpus()).hasSize(4);
        assertThat(s.bpfMaps()).extracting(BpfMapValue::name).containsExactly("m1");
        MonitorErrors errors = snap.errors();
        assertThat(errors.count(MonitorErrors.FREEZE)).isEqualTo(1);
        assertThat(errors.count(MonitorErrors.XARRAY)).isEqualTo(1);
        assertThat(errors.count(MonitorErrors.BPF_MAP)).isEqualTo(1);
    }
}
