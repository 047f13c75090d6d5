package io.ktstr4j.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parses {@code 2}, {@code 2s}, {@code 1500ms}, {@code 1.5s}, {@code 2m} into a Duration (bare numbers are seconds). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern P = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        Matcher m = P.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration like 2s, 1500ms or 1m");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double ms = switch (unit) {
            case "ms" -> n;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 1000;
        };
        if (ms <= 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' must be longer than 0");
        }
        return Duration.ofMillis(Math.round(ms));
    }
}
