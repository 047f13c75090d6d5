package io.ktstr4j.vmm.x86.acpi;

/** System Locality Information Table: the node-to-node distance matrix. */
public final class Slit {
    private Slit() {}

    public static byte[] bytes(int[][] distances) {
        Sdt t = new Sdt("SLIT", 1);
        t.u64(distances.length);
        for (int[] row : distances) {
            for (int d : row) {
                t.u8(d);
            }
        }
        return t.bytes();
    }
}
