package io.ktstr4j.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class SignificanceTest {

    @Test
    void welchMatchesR() {
        // scipy: ttest_ind([10,12,14], [16,18,20], equal_var=False).pvalue = 0.021312 (Welch)
        assertThat(Significance.welchP(new double[] {10, 12, 14}, new double[] {16, 18, 20}))
                .isCloseTo(0.021312, offset(0.000005));
        // scipy: ttest_ind([1,2,3,4], [2,4,6,8,10], equal_var=False).pvalue = 0.069134
        assertThat(Significance.welchP(new double[] {1, 2, 3, 4}, new double[] {2, 4, 6, 8, 10}))
                .isCloseTo(0.069134, offset(0.000005));
    }

    @Test
    void samplesWithoutSpreadDifferExactlyWhenTheirMeansDo() {
        assertThat(Significance.welchP(new double[] {5, 5, 5}, new double[] {5, 5, 5})).isEqualTo(1.0);
        assertThat(Significance.welchP(new double[] {5, 5, 5}, new double[] {6, 6, 6})).isEqualTo(0.0);
    }

    @Test
    void holmAndBenjaminiHochbergMatchR() {
        double[] p = {0.01, 0.04, 0.03, 0.5};
        // R: p.adjust(c(0.01,0.04,0.03,0.5), "holm") = 0.04 0.09 0.09 0.50
        assertThat(Significance.holm(p)).containsExactly(new double[] {0.04, 0.09, 0.09, 0.5}, offset(1e-12));
        // R: p.adjust(c(0.01,0.04,0.03,0.5), "BH") = 0.04 0.0533 0.0533 0.5
        assertThat(Significance.benjaminiHochberg(p))
                .containsExactly(new double[] {0.04, 0.16 / 3, 0.16 / 3, 0.5}, offset(1e-12));
    }
}
