package io.ktstr4j.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.schemas.sidecar.RunExecution;
import io.ktstr4j.schemas.sidecar.SidecarResult;
import io.ktstr4j.stats.store.IngestResult;
import io.ktstr4j.stats.store.ResultsStore;
import io.ktstr4j.stats.store.ResultsStoreTest;
import io.ktstr4j.stats.store.StoreLocation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trials of one run ({@code --trials}): each its own row, all of one variant; overcommit keeps results apart. */
class TrialsTest {

    @TempDir
    Path tmp;

    static SidecarResult trial(int t, int concurrentVcpus) {
        SidecarResult r = ResultsStoreTest.result("run1", "eevdf", 5 + t);
        return r.toBuilder().variantKey(t == 1 ? r.variantKey() : r.variantKey() + "#t" + t)
                .execution(new RunExecution(t, 3, 1, List.of(), 1, 8.0, concurrentVcpus)).build();
    }

    @Test
    void threeTrialsOfOneRunAreThreeRowsOfOneVariant() throws Exception {
        ResultsStore store = ResultsStore.at(new StoreLocation.DuckDbFile(tmp.resolve("r.duckdb")));
        List<SidecarResult> trials = List.of(trial(1, 1), trial(2, 1), trial(3, 1));
        assertThat(store.ingest(trials)).isEqualTo(new IngestResult(3, 0));
        assertThat(trials.stream().map(Trials::dims).distinct()).hasSize(1);
        assertThat(trials.stream().map(Trials::variantExtra).distinct()).hasSize(1);
    }

    @Test
    void anOvercommittedTrialDoesNotPairWithOneThatWasNot() {
        assertThat(Trials.variantExtra(trial(1, 1))).endsWith("overcommitted=false");
        assertThat(Trials.variantExtra(trial(2, 8))).endsWith("overcommitted=true");
        // without an execution record, the result's own vCPUs per host CPU decide
        SidecarResult old = ResultsStoreTest.result("run1", "eevdf", 5).toBuilder().cpuOvercommit(2.0).build();
        assertThat(Trials.variantExtra(old)).endsWith("overcommitted=true");
    }
}
