package io.ktstr4j.vmm.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.vmm.GuestMemoryException;
import io.ktstr4j.vmm.x86.Layout;
import io.ktstr4j.vmm.x86.RamLayout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Range checks of guest RAM (an anonymous mapping; no /dev/kvm needed). */
class KvmGuestMemoryTest {

    @Test
    void aRangeWhoseEndOverflowsIsNotInsideRam() {
        try (KvmGuestMemory small = new KvmGuestMemory(new RamLayout(64L << 20, 1, 0))) {
            assertThat(small.contains(0x1000, 4096)).isTrue();
            assertThat(small.contains(0, 64L << 20)).isTrue();
            assertThat(small.contains(1, 64L << 20)).isFalse();
            // gpa + len wraps to a negative end, which passed as "inside" before
            assertThat(small.contains(0x1000, Long.MAX_VALUE)).isFalse();
            assertThat(small.contains(Long.MAX_VALUE, 1)).isFalse();
        }
    }

    @Test
    void aRangeAboveTheMmioGapWhoseEndOverflowsIsNotInsideRam() {
        // 3 GiB + 64 MiB: the last 64 MiB sit above the MMIO gap (a NORESERVE mapping, nothing is touched)
        KvmGuestMemory mapped;
        try {
            mapped = new KvmGuestMemory(new RamLayout((3L << 30) + (64L << 20), 1, 0));
        } catch (RuntimeException e) {
            Assumptions.abort("cannot map 3 GiB of address space here (overcommit off?): " + e.getMessage());
            return;
        }
        try (KvmGuestMemory big = mapped) {
            long high = Layout.MMIO_GAP_END;
            assertThat(big.contains(high, 4096)).isTrue();
            assertThat(big.contains(high + 0x1000, Long.MAX_VALUE - 0x800)).isFalse();
            assertThat(big.contains(high, Long.MAX_VALUE)).isFalse();
            assertThat(big.contains(Layout.MMIO_GAP_START, 1)).isFalse(); // the gap itself
            assertThatThrownBy(() -> big.hostAddress(Long.MAX_VALUE))
                    .isInstanceOf(GuestMemoryException.class).hasMessageContaining("outside guest RAM");
        }
    }
}
