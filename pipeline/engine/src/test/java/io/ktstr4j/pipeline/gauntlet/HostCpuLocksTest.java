package io.ktstr4j.pipeline.gauntlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.vmm.nativelib.FlockHolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real flock(2) locks on ktstr's lock files (two holders in one process: flocks belong to open files, not processes). */
class HostCpuLocksTest {

    @TempDir
    Path dir;

    @Test
    void twoReservationsNeverHoldTheSameCpuAndReleaseOnShrink() {
        Map<Integer, Integer> llc = Map.of(1, 0, 2, 0, 3, 1);
        try (HostCpuLocks a = new HostCpuLocks(dir, List.of(1, 2, 3), llc);
             HostCpuLocks b = new HostCpuLocks(dir, List.of(1, 2, 3), llc)) {
            assertThat(a.reserve(2)).isTrue();
            assertThat(a.held()).containsExactly(3, 2); // highest first
            assertThat(b.reserve(2)).as("only CPU 1 is left").isFalse();
            assertThat(b.held()).as("all or nothing").isEmpty();
            assertThat(b.reserve(1)).isTrue();
            assertThat(b.held()).containsExactly(1);
            a.shrink(1);
            assertThat(a.held()).containsExactly(3);
            assertThat(b.reserve(2)).isTrue();
            assertThat(b.held()).containsExactlyInAnyOrder(1, 2);
            // what /proc/locks says, as `ktstr4j locks` reads it: exclusive on CPU files, shared on the LLC's
            FlockHolders h = FlockHolders.read();
            long me = ProcessHandle.current().pid();
            assertThat(h.of(HostCpuLocks.cpuLock(dir, 3))).singleElement()
                    .satisfies(x -> assertThat(x.pid()).isEqualTo(me)).satisfies(x -> assertThat(x.exclusive()).isTrue());
            assertThat(h.of(HostCpuLocks.llcLock(dir, 0))).hasSize(1).allSatisfy(x -> assertThat(x.exclusive()).isFalse());
            assertThat(h.of(HostCpuLocks.llcLock(dir, 1))).hasSize(1);
        }
        FlockHolders after = FlockHolders.read();
        for (int cpu = 1; cpu <= 3; cpu++) {
            assertThat(after.of(HostCpuLocks.cpuLock(dir, cpu))).as("cpu %d released", cpu).isEmpty();
        }
        assertThat(after.of(HostCpuLocks.llcLock(dir, 0))).isEmpty();
    }

    @Test
    void anLlcHeldExclusivelyKeepsItsCpusFromBeingTaken() throws Exception {
        // ktstr's performance mode: LOCK_EX on the LLC
        Path llc0 = HostCpuLocks.llcLock(dir, 0);
        Files.createFile(llc0);
        {
            int fd = io.ktstr4j.vmm.nativelib.LibC.INSTANCE.open(llc0.toString(), io.ktstr4j.vmm.nativelib.LibC.O_RDONLY);
            try {
                io.ktstr4j.vmm.nativelib.LibC.INSTANCE.flock(fd, io.ktstr4j.vmm.nativelib.LibC.LOCK_EX);
                try (HostCpuLocks a = new HostCpuLocks(dir, List.of(1, 2, 3), Map.of(1, 0, 2, 0, 3, 1))) {
                    assertThat(a.reserve(1)).isTrue();
                    assertThat(a.held()).containsExactly(3);
                    assertThat(a.reserve(2)).as("CPUs 1 and 2 are under the reserved LLC").isFalse();
                }
            } finally {
                io.ktstr4j.vmm.nativelib.LibC.INSTANCE.close(fd);
            }
        }
    }

    @Test
    void llcsAreReadFromSysfs() throws Exception {
        for (int cpu : List.of(0, 1)) {
            Path c = Files.createDirectories(dir.resolve("cpu" + cpu).resolve("cache"));
            Path l2 = Files.createDirectories(c.resolve("index2"));
            Files.writeString(l2.resolve("level"), "2\n");
            Files.writeString(l2.resolve("id"), String.valueOf(cpu) + "\n");
            Path l3 = Files.createDirectories(c.resolve("index3"));
            Files.writeString(l3.resolve("level"), "3\n");
            Files.writeString(l3.resolve("id"), "7\n");
        }
        assertThat(HostCpuLocks.HostLlcs.read(dir, List.of(0, 1, 5))).isEqualTo(Map.of(0, 7, 1, 7));
    }
}
