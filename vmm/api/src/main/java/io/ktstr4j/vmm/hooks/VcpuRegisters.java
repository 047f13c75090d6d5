package io.ktstr4j.vmm.hooks;

import java.util.OptionalLong;

/**
 * Control registers of a vCPU, for backends that can read them (the Java VMM via {@code KVM_GET_SREGS}). The monitor
 * works without them: it then walks the kernel's own page tables ({@code init_top_pgt}).
 */
public interface VcpuRegisters {

    /** CR3 of {@code vcpu} (page-table root, PCID bits included), or empty when it cannot be read right now. */
    OptionalLong cr3(int vcpu);

    /** CR4 of {@code vcpu}; bit 12 (LA57) says 5-level paging. */
    OptionalLong cr4(int vcpu);
}
