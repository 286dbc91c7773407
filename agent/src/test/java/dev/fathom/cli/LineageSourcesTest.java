package dev.fathom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of lineage publish reads from outside: remote URLs and data files. */
class LineageSourcesTest {
  @TempDir Path dir;

  @Test
  void remoteUrlsLoseCredentialsButKeepTheirMeaning() {
    assertThat(GitLineage.withoutCredentials("https://user:token@github.com/acme/fraud.git")).isEqualTo("https://github.com/acme/fraud.git");
    assertThat(GitLineage.withoutCredentials("https://ghp_secret@github.com/acme/fraud.git")).isEqualTo("https://github.com/acme/fraud.git");
    assertThat(GitLineage.withoutCredentials("HTTP://u:p@host:8080/r.git")).isEqualTo("HTTP://host:8080/r.git");
    assertThat(GitLineage.withoutCredentials("https://github.com/acme/fraud.git")).isEqualTo("https://github.com/acme/fraud.git");
    assertThat(GitLineage.withoutCredentials("https://u:p w@host/r with space.git")).isEqualTo("https://host/r with space.git");
    assertThat(GitLineage.withoutCredentials("git@github.com:acme/fraud.git")).isEqualTo("git@github.com:acme/fraud.git");
    assertThat(GitLineage.withoutCredentials("ssh://git@host/acme/fraud.git")).isEqualTo("ssh://git@host/acme/fraud.git");
    assertThat(GitLineage.withoutCredentials("/srv/git/fraud.git")).isEqualTo("/srv/git/fraud.git");
  }

  @Test
  void countsDataRowsWithoutTheHeader() throws IOException {
    assertThat(rows("a.csv", "x,y\n1,2\n3,4\n")).isEqualTo(2);
    assertThat(rows("b.csv", "x,y\n1,2\n3,4")).as("no final newline").isEqualTo(2);
    assertThat(rows("c.csv", "x,y\r\n1,2\r\n\r\n3,4\r\n\r\n")).as("CRLF and empty lines").isEqualTo(2);
    assertThat(rows("d.csv", "x,y\n1,\"a\nb\nc\"\n2,\"say \"\"hi\"\"\nthere\"\n")).as("line breaks inside quotes").isEqualTo(2);
    assertThat(rows("e.csv", "")).isZero();
    assertThat(rows("f.csv", "x,y\n")).isZero();
    assertThat(rows("g.TSV", "x\ty\n1\t\"2\n3\t4\n")).as("TSV has no quoting").isEqualTo(2);
    assertThat(DataFiles.describe(write("h.parquet", "PAR1"), null).rows()).as("unknown format: rows unknown").isNull();
  }

  private long rows(String name, String content) throws IOException {
    return DataFiles.describe(write(name, content), null).rows();
  }

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }
}
