package io.ktstr4j.vmm.monitor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Lists the pointer entries of a kernel {@code struct xarray} (an IDR such as {@code map_idr} is one) by walking its
 * radix tree in guest memory. Bounded: at most {@link #MAX_NODES} nodes and {@link #MAX_ENTRIES} entries, each node
 * visited once, depth at most 11 (64-bit index / 6 bits); exceeding a bound is counted, not thrown.
 */
final class XarrayWalker {

    static final int MAX_NODES = 4096;
    static final int MAX_ENTRIES = 16384;
    static final int MAX_DEPTH = 12;

    private final long headOff;
    private final long shiftOff;
    private final long slotsOff;
    private final int slots;
    private final int nodeSize;

    XarrayWalker(Btf btf) {
        headOff = btf.field("xarray.xa_head").offset();
        shiftOff = btf.field("xa_node.shift").offset();
        Btf.Field s = btf.field("xa_node.slots");
        slotsOff = s.offset();
        slots = (int) (s.byteSize() / 8);
        nodeSize = (int) btf.sizeOf("xa_node");
    }

    static boolean isInternal(long e) {
        return (e & 3) == 2;
    }

    static boolean isNode(long e) {
        return isInternal(e) && Long.compareUnsigned(e, 4096) > 0;
    }

    /** Entries of the xarray at {@code xarrayVa} in index order; bounds exceeded are counted in {@code errors}. */
    List<Long> entries(GuestAddressSpace as, long xarrayVa, MonitorErrors errors) {
        List<Long> out = new ArrayList<>();
        long head = as.u64(xarrayVa + headOff);
        if (head == 0) {
            return out;
        }
        if (!isNode(head)) {
            if (!isInternal(head) && (head & 1) == 0) {
                out.add(head);
            }
            return out;
        }
        byte[] node = new byte[nodeSize];
        ByteBuffer nb = ByteBuffer.wrap(node).order(ByteOrder.LITTLE_ENDIAN);
        Set<Long> seen = new HashSet<>();
        // Depth-first, children pushed in reverse so entries come out in index order.
        Deque<long[]> stack = new ArrayDeque<>();
        stack.push(new long[] {head - 2, 0});
        while (!stack.isEmpty()) {
            long[] top = stack.pop();
            long nodeVa = top[0];
            int depth = (int) top[1];
            if (!seen.add(nodeVa) || seen.size() > MAX_NODES || depth > MAX_DEPTH) {
                errors.count(MonitorErrors.XARRAY, String.format("xarray at 0x%x: loop, depth %d or more than %d "
                        + "nodes at node 0x%x", xarrayVa, depth, MAX_NODES, nodeVa));
                continue;
            }
            as.read(nodeVa, node, 0, nodeSize);
            int shift = node[(int) shiftOff] & 0xff;
            List<long[]> children = new ArrayList<>();
            for (int i = 0; i < slots; i++) {
                long e = nb.getLong((int) slotsOff + 8 * i);
                if (e == 0) {
                    continue;
                }
                if (shift > 0 && isNode(e)) {
                    children.add(new long[] {e - 2, depth + 1});
                } else if (!isInternal(e) && (e & 1) == 0) {
                    if (out.size() >= MAX_ENTRIES) {
                        errors.count(MonitorErrors.XARRAY, "xarray at 0x" + Long.toHexString(xarrayVa)
                                + ": more than " + MAX_ENTRIES + " entries");
                        return out;
                    }
                    out.add(e);
                }
            }
            for (int i = children.size() - 1; i >= 0; i--) {
                stack.push(children.get(i));
            }
        }
        return out;
    }
}
