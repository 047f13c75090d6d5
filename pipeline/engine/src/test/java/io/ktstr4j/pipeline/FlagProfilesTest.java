package io.ktstr4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ktstr4j.schemas.spec.FlagDecl;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ktstr's flag profiles: the power set of the declared flags, filtered by requires, required and excluded flags. */
class FlagProfilesTest {
    /** ktstr's built-in catalog flags, with its documented example's one dependency: steal needs llc. */
    static final List<FlagDecl> CATALOG = List.of(
            new FlagDecl("llc", List.of("--llc"), List.of()),
            new FlagDecl("borrow", List.of("--borrow"), List.of()),
            new FlagDecl("steal", List.of("--steal"), List.of("llc")),
            new FlagDecl("rebal", List.of("--rebal"), List.of()),
            new FlagDecl("reject-pin", List.of("--reject-pin"), List.of()),
            new FlagDecl("no-ctrl", List.of("--no-ctrl"), List.of()));

    @Test
    void sixFlagsWithOneDependencyGiveFortyEightProfiles() {
        List<List<String>> p = FlagProfiles.of(CATALOG, List.of(), List.of());
        assertThat(p).hasSize(48).doesNotHaveDuplicates();
        assertThat(p).contains(List.of(), List.of("llc", "steal"));
        assertThat(p).noneMatch(f -> f.contains("steal") && !f.contains("llc"));
        assertThat(p).allMatch(f -> new ArrayList<>(f).equals(f.stream().sorted().toList()));
    }

    @Test
    void requiredAndExcludedFlagsFilterTheProfiles() {
        List<List<String>> p = FlagProfiles.of(CATALOG, List.of("steal"), List.of("no-ctrl"));
        // steal (and so llc) on, no-ctrl off: the other three flags free
        assertThat(p).hasSize(8).allMatch(f -> f.containsAll(List.of("llc", "steal")) && !f.contains("no-ctrl"));
        assertThat(new HashSet<>(p)).hasSize(8);
    }

    @Test
    void noFlagsIsTheDefaultProfileAndTooManyAreRefused() {
        assertThat(FlagProfiles.of(List.of(), List.of(), List.of())).containsExactly(List.of());
        List<FlagDecl> many = new ArrayList<>();
        for (int i = 0; i <= FlagProfiles.MAX_FLAGS; i++) {
            many.add(new FlagDecl("f" + i, List.of(), List.of()));
        }
        assertThatThrownBy(() -> FlagProfiles.of(many, List.of(), List.of()))
                .hasMessageContaining("17 declared; at most 16");
    }

    @Test
    void aProfilesArgumentsFollowTheDeclarationOrder() {
        assertThat(FlagProfiles.args(CATALOG, List.of("steal", "llc", "no-ctrl")))
                .containsExactly("--llc", "--steal", "--no-ctrl");
    }
}
