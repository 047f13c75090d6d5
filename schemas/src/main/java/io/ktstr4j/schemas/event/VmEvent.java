package io.ktstr4j.schemas.event;

/** What the VMM reports about a VM (the {@code vm.*} events); emitted by {@code Vm.events()} without an envelope. */
public sealed interface VmEvent extends EventBody permits VmCreated, KernelLoaded, VcpuStarted, ConsoleLine, VmExited {}
