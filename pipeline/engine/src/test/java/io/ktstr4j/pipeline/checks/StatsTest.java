package io.ktstr4j.pipeline.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void nearestRankP99OfHundredValuesIsTheNinetyNinth() {
        long[] v = new long[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i; // unsorted input
        }
        assertThat(Stats.percentileNearestRank(v, 99)).isEqualTo(99);
        assertThat(Stats.percentileNearestRank(v, 50)).isEqualTo(50);
        assertThat(Stats.percentileNearestRank(new long[] {7}, 99)).isEqualTo(7);
    }

    @Test
    void cvIsPopulationStddevOverMean() {
        assertThat(Stats.cv(new double[] {2, 4, 4, 4, 5, 5, 7, 9})).isCloseTo(2.0 / 5.0, within(1e-12));
        assertThat(Stats.cv(new double[] {3})).isZero();
        assertThat(Stats.cv(new double[] {0, 0})).isZero();
    }
}
