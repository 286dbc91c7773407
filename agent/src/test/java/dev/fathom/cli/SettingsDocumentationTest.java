package dev.fathom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.testing.TestData;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The README's settings table is generated from the one declaration of every setting. */
class SettingsDocumentationTest {
  @Test
  void readmeTableMatchesTheDeclaredSettings() throws Exception {
    String readme = Files.readString(TestData.root().getParent().resolve("README.md"));
    int begin = readme.indexOf("<!-- settings:begin -->\n");
    int end = readme.indexOf("<!-- settings:end -->");
    assertThat(begin).as("settings markers in README.md").isNotNegative();
    String documented = readme.substring(begin + "<!-- settings:begin -->\n".length(), end);
    assertThat(documented).as("README.md settings table; regenerate with: fathom settings --markdown").isEqualTo(SettingsCommand.markdownTable());
  }

  @Test
  void settingsCommandPrintsEveryKey() {
    Cli.Result r = Cli.run("settings");
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("registry", "sampling.rate", "prometheus.port", "instrument.methods");
  }
}
