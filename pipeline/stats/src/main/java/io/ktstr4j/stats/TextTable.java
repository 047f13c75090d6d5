package io.ktstr4j.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: columns padded to their widest cell, two spaces apart, chosen columns right-aligned; the tables
 * of {@code stats} and of {@code host-state compare}.
 */
public final class TextTable {
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] right;

    public TextTable(String... header) {
        rows.add(header);
        right = new boolean[header.length];
    }

    /** Right-aligns the given columns. */
    public TextTable right(int... columns) {
        for (int c : columns) {
            right[c] = true;
        }
        return this;
    }

    public TextTable row(String... cells) {
        rows.add(cells);
        return this;
    }

    public boolean isEmpty() {
        return rows.size() == 1;
    }

    /** The lines, each ending in a newline, trailing blanks stripped. */
    public String render(String indent) {
        int[] w = new int[right.length];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                w[c] = Math.max(w[c], r[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int c = 0; c < r.length; c++) {
                String cell = r[c];
                String pad = " ".repeat(w[c] - cell.length());
                line.append(right[c] ? pad + cell : cell + (c == r.length - 1 ? "" : pad));
                if (c < r.length - 1) {
                    line.append("  ");
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
