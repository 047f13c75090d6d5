package io.ktstr4j.schemas.event;

/** A vCPU thread entered the guest. */
public record VcpuStarted(int vcpu, int apicId) implements VmEvent {}
