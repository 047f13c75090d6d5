package io.ktstr4j.pipeline.gauntlet;

/**
 * Host CPUs held for the gauntlet's VMs against other processes on the host (other gauntlets, ktstr): grown before a
 * VM starts, shrunk when one ends. Called from the gauntlet's own thread only.
 */
public interface HostReservation extends AutoCloseable {

    /** Holds at least {@code cpus} host CPUs, taking more without waiting; false when others hold the rest. */
    boolean reserve(int cpus);

    /** Keeps at most {@code cpus} host CPUs. */
    void shrink(int cpus);

    /** Releases everything. */
    @Override
    void close();

    /** No coordination with other processes. */
    HostReservation NONE = new HostReservation() {
        @Override
        public boolean reserve(int cpus) {
            return true;
        }

        @Override
        public void shrink(int cpus) {
        }

        @Override
        public void close() {
        }
    };
}
