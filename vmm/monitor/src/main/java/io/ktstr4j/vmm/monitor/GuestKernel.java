package io.ktstr4j.vmm.monitor;

import io.ktstr4j.vmm.GuestMemory;
import io.ktstr4j.vmm.hooks.VcpuRegisters;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the monitor knows about one guest: its RAM, the kernel's symbols and BTF, optional vCPU registers, and, once
 * the kernel is found in RAM, its {@link GuestAddressSpace}. Attaching is retried until the kernel is up.
 *
 * <p>An attach can be premature: the kernel image (and its banner) is in RAM as soon as the decompressor has written
 * it, but the paging variables the attach reads ({@code __pgtable_l5_enabled}, {@code page_offset_base}) are set a
 * little later by the kernel's early startup. Under TCG that window is long enough for a sample to fall into it,
 * and the address space then translates every per-CPU address wrongly (a 5-level direct-map address read as a
 * 4-level one). Readers therefore call {@link #reattach()} when a read through the space fails.
 */
public final class GuestKernel {

    private final GuestMemory memory;
    private final SymbolMap symbols;
    private final KernelOffsets offsets;
    private final VcpuRegisters registers;
    private volatile GuestAddressSpace space;
    private final AtomicLong reattaches = new AtomicLong();

    public GuestKernel(GuestMemory memory, SymbolMap symbols, Btf btf, VcpuRegisters registers) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.symbols = Objects.requireNonNull(symbols, "symbols");
        this.offsets = new KernelOffsets(Objects.requireNonNull(btf, "btf"), symbols);
        this.registers = registers;
        symbols.require("runqueues");
        symbols.require("__per_cpu_offset");
    }

    public GuestMemory memory() {
        return memory;
    }

    public SymbolMap symbols() {
        return symbols;
    }

    public KernelOffsets offsets() {
        return offsets;
    }

    public Btf btf() {
        return offsets.btf;
    }

    /** The address space, attaching on first success; throws {@link KernelNotReadyException} until then. */
    public GuestAddressSpace space() {
        GuestAddressSpace s = space;
        if (s == null) {
            synchronized (this) {
                s = space;
                if (s == null) {
                    s = GuestAddressSpace.attach(memory, symbols, registers);
                    space = s;
                }
            }
        }
        return s;
    }

    public boolean attached() {
        return space != null;
    }

    /** Forgets the address space (a read through it failed); the next {@link #space()} finds the kernel again. */
    public void reattach() {
        if (space != null) {
            space = null;
            reattaches.incrementAndGet();
        }
    }

    /** How many times an attached address space was dropped after a failed read. */
    public long reattaches() {
        return reattaches.get();
    }
}
