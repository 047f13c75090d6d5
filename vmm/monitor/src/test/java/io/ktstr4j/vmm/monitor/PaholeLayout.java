package io.ktstr4j.vmm.monitor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the member lines of a stored {@code pahole -C <struct>} output: the independent reference the BTF parser is
 * checked against. Members of anonymous structs/unions appear with their offsets in the outer struct, as in BTF paths.
 */
record PaholeLayout(String struct, List<Entry> members, long size) {

    record Entry(String name, long offset, int bitOffset, int bitSize, long size) {}

    private static final Pattern OFFSETS = Pattern.compile("/\\*\\s+(\\d+)(?::\\s*(\\d+))?\\s+(\\d+)\\s+\\*/\\s*$");
    private static final Pattern NAME = Pattern.compile("(\\w+)((?:\\[\\d*\\])*)(?::(\\d+))?\\s*$");
    private static final Pattern FNPTR = Pattern.compile("\\(\\*(\\w+)\\)");
    private static final Pattern SIZE = Pattern.compile("/\\* size: (\\d+),");

    static PaholeLayout read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        String struct = null;
        long size = -1;
        List<Entry> out = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("struct ") && line.endsWith("{") && struct == null) {
                struct = line.substring(7, line.length() - 2).trim();
                continue;
            }
            Matcher sz = SIZE.matcher(line);
            if (sz.find() && line.startsWith("\t/*")) {
                size = Long.parseLong(sz.group(1));
                continue;
            }
            if (!line.startsWith("\t") || line.trim().startsWith("/*")) {
                continue;
            }
            Matcher off = OFFSETS.matcher(line);
            if (!off.find()) {
                continue;
            }
            String decl = line.substring(0, off.start()).trim();
            if (!decl.endsWith(";")) {
                continue;
            }
            decl = decl.substring(0, decl.length() - 1).replaceAll("\\s*__attribute__\\(\\(.*\\)\\)", "").trim();
            String name;
            int bits = 0;
            Matcher fp = FNPTR.matcher(decl);
            if (fp.find()) {
                name = fp.group(1);
            } else {
                Matcher n = NAME.matcher(decl);
                if (!n.find() || decl.startsWith("}") && n.group(1) == null) {
                    continue;
                }
                name = n.group(1);
                if (n.group(3) != null) {
                    bits = Integer.parseInt(n.group(3));
                }
            }
            if (decl.equals("}")) {
                continue;
            }
            int bitOff = off.group(2) == null ? 0 : Integer.parseInt(off.group(2));
            out.add(new Entry(name, Long.parseLong(off.group(1)), bitOff, bits, Long.parseLong(off.group(3))));
        }
        return new PaholeLayout(struct, List.copyOf(out), size);
    }
}
