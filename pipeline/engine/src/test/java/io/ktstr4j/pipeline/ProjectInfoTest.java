package io.ktstr4j.pipeline;

import static io.ktstr4j.pipeline.kernel.GitFixture.git;
import static io.ktstr4j.pipeline.kernel.GitFixture.repo;
import static org.assertj.core.api.Assertions.assertThat;

import io.ktstr4j.pipeline.kernel.GitFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** project_commit and scheduler_commit against real git repositories (each test its own: answers are cached). */
class ProjectInfoTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void needsGit() {
        GitFixture.assumeGit();
    }

    @Test
    void aCleanRepositoryIsItsHeadsFirstSevenHexDigits() throws IOException {
        String head = repo(tmp.resolve("p"), "src/a.c", "int a;\n");
        assertThat(ProjectInfo.projectCommit(tmp.resolve("p"))).isEqualTo(head.substring(0, 7));
        assertThat(ProjectInfo.projectCommit(tmp.resolve("p/src"))).as("from a subfolder, the same repository")
                .isEqualTo(head.substring(0, 7));
    }

    @Test
    void aChangedTrackedFileMarksItDirtyAnUntrackedOneDoesNot() throws IOException {
        String a = repo(tmp.resolve("untracked"), "a.c", "int a;\n");
        Files.writeString(tmp.resolve("untracked/new.c"), "int n;\n");
        assertThat(ProjectInfo.projectCommit(tmp.resolve("untracked"))).isEqualTo(a.substring(0, 7));

        String b = repo(tmp.resolve("modified"), "a.c", "int a;\n");
        Files.writeString(tmp.resolve("modified/a.c"), "int b;\n");
        assertThat(ProjectInfo.projectCommit(tmp.resolve("modified"))).isEqualTo(b.substring(0, 7) + "-dirty");

        String c = repo(tmp.resolve("staged"), "a.c", "int a;\n");
        Files.writeString(tmp.resolve("staged/b.c"), "int b;\n");
        git(tmp.resolve("staged"), "add", "b.c");
        assertThat(ProjectInfo.projectCommit(tmp.resolve("staged"))).isEqualTo(c.substring(0, 7) + "-dirty");
    }

    @Test
    void outsideGitOrWithoutACommitItIsUnknown() throws IOException {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        assertThat(ProjectInfo.projectCommit(plain)).isNull();
        Path unborn = Files.createDirectories(tmp.resolve("unborn"));
        git(unborn, "init", "-q");
        assertThat(ProjectInfo.projectCommit(unborn)).isNull();
        assertThat(ProjectInfo.projectCommit(tmp.resolve("does-not-exist"))).isNull();
    }

    @Test
    void aSchedulerBinaryInARepositoryIsThatRepositorysCommitElseItsSha256() throws IOException {
        String head = repo(tmp.resolve("scx"), "src/main.c", "int main;\n");
        Path built = Files.createDirectories(tmp.resolve("scx/target/release")).resolve("scx_foo");
        Files.writeString(built, "ELF");
        assertThat(ProjectInfo.schedulerCommit(built)).as("a build output is untracked: the tree stays clean")
                .isEqualTo(head.substring(0, 7));
        Path loose = Files.writeString(Files.createDirectories(tmp.resolve("bin")).resolve("scx_bar"), "abc");
        assertThat(ProjectInfo.schedulerCommit(loose))
                .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(ProjectInfo.schedulerCommit(null)).as("eevdf").isNull();
        assertThat(ProjectInfo.schedulerCommit(tmp.resolve("bin/missing"))).isNull();
    }

    @Test
    void theDefaultProjectIsTheSpecsRepositoryElseTheSchedulersElseTheWorkingDirectory() throws IOException {
        repo(tmp.resolve("specs"), "t.json", "{}");
        repo(tmp.resolve("sched"), "README", "x");
        Path spec = tmp.resolve("specs/t.json");
        Path binary = Files.writeString(tmp.resolve("sched/scx_x"), "ELF");
        Path looseSpec = Files.writeString(tmp.resolve("loose.json"), "{}");
        Path cwd = tmp.resolve("cwd");
        assertThat(ProjectInfo.defaultProjectDir(spec, binary, cwd)).isEqualTo(tmp.resolve("specs").toRealPath());
        assertThat(ProjectInfo.defaultProjectDir(looseSpec, binary, cwd)).isEqualTo(tmp.resolve("sched").toRealPath());
        assertThat(ProjectInfo.defaultProjectDir(null, binary, cwd)).isEqualTo(tmp.resolve("sched").toRealPath());
        assertThat(ProjectInfo.defaultProjectDir(looseSpec, null, cwd)).isEqualTo(cwd);
    }
}
