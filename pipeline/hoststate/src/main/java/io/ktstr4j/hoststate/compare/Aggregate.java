package io.ktstr4j.hoststate.compare;

import io.ktstr4j.vmm.plan.CpuList;
import java.util.List;

/** What the threads of one group add up to for one metric (threads whose reading was missing left out). */
public sealed interface Aggregate {

    /** The number compared (SUM and RANGE), null for the text ones (MODE and AFFINITY). */
    Double numeric();

    /** How the table shows it, without the unit. */
    String text();

    /** A counter's saturating sum. */
    record Sum(long total) implements Aggregate {
        @Override
        public Double numeric() {
            return (double) total;
        }

        @Override
        public String text() {
            return Long.toString(total);
        }
    }

    /** nice's range; compared by its midpoint, as ktstr. */
    record Range(long min, long max) implements Aggregate {
        @Override
        public Double numeric() {
            return (min + max) / 2.0;
        }

        @Override
        public String text() {
            return min == max ? Long.toString(min) : min + ".." + max;
        }
    }

    /**
     * policy's most common value (a tie goes to the alphabetically smallest).
     *
     * @param count threads holding it
     * @param total threads read
     */
    record Mode(String value, int count, int total) implements Aggregate {
        @Override
        public Double numeric() {
            return null;
        }

        @Override
        public String text() {
            return count == total ? value : value + " (" + count + "/" + total + ")";
        }
    }

    /**
     * cpu_affinity: how many CPUs the threads may run on.
     *
     * @param uniform the CPU set every thread shares, null when they differ
     */
    record Affinity(int minCpus, int maxCpus, List<Integer> uniform) implements Aggregate {
        public Affinity {
            uniform = uniform == null ? null : List.copyOf(uniform);
        }

        @Override
        public Double numeric() {
            return null;
        }

        /** {@code 4 cpus (0-3)}, {@code 2 cpus (mixed)} or {@code 2-4 cpus (mixed)}. */
        @Override
        public String text() {
            if (uniform != null) {
                return uniform.size() + " cpus (" + CpuList.format(uniform) + ")";
            }
            String count = minCpus == maxCpus ? Integer.toString(minCpus) : minCpus + "-" + maxCpus;
            return count + " cpus (mixed)";
        }
    }
}
