package io.ktstr4j.vmm.monitor;

/**
 * Asks the guest for a sched_ext dump: the guest channel writes 'D' into the SHM header's dump-request byte, the
 * guest agent triggers SysRq-D and the dump lines come back over the console. Implemented by the channel
 * ({@code RingReader::requestDump}); the monitor only calls it.
 */
@FunctionalInterface
public interface DumpRequester {

    void requestDump();

    DumpRequester NONE = () -> {};
}
