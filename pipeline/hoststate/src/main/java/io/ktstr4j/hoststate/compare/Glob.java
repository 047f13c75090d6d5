package io.ktstr4j.hoststate.compare;

import java.util.regex.Pattern;

/**
 * A shell glob matched against a whole string the way ktstr's {@code --cgroup-flatten} matches (Rust's glob crate,
 * default options): case-sensitive; {@code ?} one character, {@code *} any run, both also {@code /}; {@code [abc]},
 * {@code [a-z]}, {@code [!...]} (a {@code ]} right after {@code [} or {@code [!} is a member); {@code **} only as a
 * whole path component, where {@code a/**}{@code /b} also matches {@code a/b}. An invalid glob is refused, where ktstr
 * drops it without a word.
 */
public final class Glob {
    private final String text;
    private final Pattern regex;

    private Glob(String text) {
        this.text = text;
        this.regex = Pattern.compile(toRegex(text), Pattern.DOTALL);
    }

    /** Compiles a glob; IllegalArgumentException naming it when it is invalid. */
    public static Glob of(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a glob is required");
        }
        return new Glob(text);
    }

    /** The glob as written. */
    public String text() {
        return text;
    }

    public boolean matches(String s) {
        return regex.matcher(s).matches();
    }

    private static String toRegex(String g) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < g.length()) {
            char c = g.charAt(i);
            if (c == '?') {
                re.append('.');
                i++;
            } else if (c == '*') {
                int start = i;
                while (i < g.length() && g.charAt(i) == '*') {
                    i++;
                }
                int stars = i - start;
                if (stars > 2) {
                    throw invalid(g, "more than two '*' in a row");
                }
                if (stars == 1) {
                    re.append(".*");
                    continue;
                }
                if (start > 0 && g.charAt(start - 1) != '/') {
                    throw invalid(g, "'**' must be a whole path component");
                }
                if (i < g.length() && g.charAt(i) != '/') {
                    throw invalid(g, "'**' must be a whole path component");
                }
                if (i < g.length()) {
                    i++; // the '/' after '**' belongs to it: zero or more whole components
                }
                re.append(i < g.length() ? "(?:.*/)?" : ".*");
            } else if (c == '[') {
                int end = classEnd(g, i);
                if (end < 0) {
                    throw invalid(g, "an unclosed '['");
                }
                boolean negated = g.charAt(i + 1) == '!';
                String members = members(g.substring(negated ? i + 2 : i + 1, end));
                if (members.isEmpty()) {
                    // Only reversed ranges: the class matches no character, its negation any.
                    re.append(negated ? "." : "(?!)");
                } else {
                    re.append(negated ? "[^" : "[").append(members).append(']');
                }
                i = end + 1;
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return re.toString();
    }

    /** The index of the {@code ]} closing the class opened at {@code open}, or -1; its first member may be ']'. */
    private static int classEnd(String g, int open) {
        int first = open + 1 < g.length() && g.charAt(open + 1) == '!' ? open + 2 : open + 1;
        if (first >= g.length()) {
            return -1;
        }
        return g.indexOf(']', first + 1);
    }

    /** A class's members as regex: single characters and {@code a-z} ranges; a '-' first or last is itself. */
    private static String members(String members) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < members.length()) {
            if (i + 2 < members.length() && members.charAt(i + 1) == '-') {
                char from = members.charAt(i);
                char to = members.charAt(i + 2);
                // A reversed range matches nothing, as in the glob crate (a regex would refuse it).
                if (from <= to) {
                    re.append(escape(from)).append('-').append(escape(to));
                }
                i += 3;
            } else {
                re.append(escape(members.charAt(i)));
                i++;
            }
        }
        return re.toString();
    }

    private static String escape(char c) {
        return Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c;
    }

    private static IllegalArgumentException invalid(String glob, String why) {
        return new IllegalArgumentException("invalid glob '" + glob + "': " + why);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Glob other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
