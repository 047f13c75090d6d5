package io.ktstr4j.stats.store;

import java.nio.file.Path;

/**
 * A process reading a store while others write, for {@link StoreConcurrencyTest}: {@code FILE UNTIL_COUNT} reads
 * every trial again and again until it sees UNTIL_COUNT (or 60 s pass); the counts it sees never go down.
 */
public final class StoreReaderMain {
    private StoreReaderMain() {
    }

    public static void main(String[] args) throws Exception {
        ResultsStore store = ResultsStore.at(new StoreLocation.DuckDbFile(Path.of(args[0])));
        long until = Long.parseLong(args[1]);
        long deadline = System.nanoTime() + 60_000_000_000L;
        int reads = 0;
        long last = 0;
        while (System.nanoTime() < deadline) {
            long n = store.trials(true).size();
            reads++;
            if (n < last) {
                System.out.println("went back from " + last + " to " + n);
                System.exit(3);
            }
            last = n;
            if (n >= until) {
                break;
            }
        }
        System.out.println("reads " + reads + " last " + last);
    }
}
