package io.ktstr4j.stats.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A process writing to a store, for {@link StoreConcurrencyTest}: {@code FILE TAG BATCHES PER_BATCH} ingests
 * BATCHES batches of PER_BATCH results of its own run, each a separate open-write-close of the store.
 */
public final class StoreWriterMain {
    private StoreWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        ResultsStore store = ResultsStore.at(new StoreLocation.DuckDbFile(Path.of(args[0])));
        String tag = args[1];
        int batches = Integer.parseInt(args[2]);
        int perBatch = Integer.parseInt(args[3]);
        int stored = 0;
        for (int b = 0; b < batches; b++) {
            List<io.ktstr4j.schemas.sidecar.SidecarResult> results = new ArrayList<>();
            for (int i = 0; i < perBatch; i++) {
                results.add(ResultsStoreTest.result(tag + "-" + b + "-" + i, i % 2 == 0 ? "eevdf" : "scx_simple",
                        b + i));
            }
            stored += store.ingest(results).stored();
        }
        System.out.println("stored " + stored);
    }
}
