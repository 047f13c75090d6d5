package io.ktstr4j.hoststate.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GlobTest {

    @Test
    void starAndQuestionMarkAlsoMatchSlashes() {
        assertThat(Glob.of("/kubepods/*").matches("/kubepods/burstable/pod-1/app")).isTrue();
        assertThat(Glob.of("/a?b").matches("/a/b")).isTrue();
        assertThat(Glob.of("/kubepods/*/app").matches("/kubepods/pod-1/app")).isTrue();
        assertThat(Glob.of("/kubepods/*/app").matches("/kubepods/pod-1/app/leaf")).isFalse();
        assertThat(Glob.of("qemu-system-*").matches("qemu-system-x86_64")).isTrue();
        assertThat(Glob.of("java").matches("javac")).isFalse();
    }

    @Test
    void matchingIsCaseSensitiveAndLiteralOtherwise() {
        assertThat(Glob.of("/System.slice").matches("/system.slice")).isFalse();
        assertThat(Glob.of("a.b+c").matches("a.b+c")).isTrue();
        assertThat(Glob.of("a.b").matches("axb")).isFalse();
    }

    @Test
    void classesTakeRangesNegationAndALeadingBracket() {
        assertThat(Glob.of("cpu[0-3]").matches("cpu2")).isTrue();
        assertThat(Glob.of("cpu[0-3]").matches("cpu4")).isFalse();
        assertThat(Glob.of("cpu[!0-3]").matches("cpu4")).isTrue();
        assertThat(Glob.of("[]]").matches("]")).isTrue();
        assertThat(Glob.of("[!]]").matches("a")).isTrue();
        assertThat(Glob.of("[abc-]").matches("-")).isTrue();
        assertThat(Glob.of("[2-1]").matches("1")).isFalse();
        assertThat(Glob.of("[!2-1]").matches("1")).isTrue();
    }

    @Test
    void doubleStarIsAWholeComponentMatchingNoneOrMore() {
        assertThat(Glob.of("/kubepods/**/app").matches("/kubepods/app")).isTrue();
        assertThat(Glob.of("/kubepods/**/app").matches("/kubepods/a/b/app")).isTrue();
        assertThat(Glob.of("/kubepods/**/app").matches("/kubepods/xapp")).isFalse();
        assertThat(Glob.of("**").matches("")).isTrue();
        assertThat(Glob.of("/user.slice/**").matches("/user.slice/user-1000.slice/session-2.scope")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/**b", "/a/b**", "/a/***", "/kubepods/[pod", "abc[!", "abc[]", "abc[!]"})
    void anInvalidGlobIsRefusedByName(String glob) {
        assertThatThrownBy(() -> Glob.of(glob)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + glob + "'");
    }
}
