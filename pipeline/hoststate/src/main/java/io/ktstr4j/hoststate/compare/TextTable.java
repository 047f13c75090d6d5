package io.ktstr4j.hoststate.compare;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table: columns padded to their widest cell, two spaces apart, chosen columns right-aligned. */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] right;

    TextTable(String... header) {
        rows.add(header);
        right = new boolean[header.length];
    }

    TextTable right(int... columns) {
        for (int c : columns) {
            right[c] = true;
        }
        return this;
    }

    TextTable row(String... cells) {
        rows.add(cells);
        return this;
    }

    /** The lines, each ending in a newline, trailing blanks stripped. */
    String render(String indent) {
        int[] width = new int[right.length];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int c = 0; c < r.length; c++) {
                String pad = " ".repeat(width[c] - r[c].length());
                line.append(right[c] ? pad + r[c] : r[c] + pad).append(c < r.length - 1 ? "  " : "");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
