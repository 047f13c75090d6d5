package io.ktstr4j.stats;

/**
 * Input the analysis cannot work with (an empty pool, a filter matching nothing, sides that pair nothing, an unknown
 * metric, a bad policy file); the message is one line naming the filter, file or field. The CLI prints it and exits 2.
 */
public class StatsInputException extends RuntimeException {
    public StatsInputException(String message) {
        super(message);
    }

    public StatsInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
