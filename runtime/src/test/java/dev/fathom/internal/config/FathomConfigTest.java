package dev.fathom.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FathomConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsApplyWhenNothingIsSet() {
    FathomConfig config = FathomConfig.load(null, new Properties(), Map.of());
    assertThat(config.getPath(Setting.REGISTRY)).isEqualTo(Path.of("models"));
    assertThat(config.getDouble(Setting.SAMPLING_RATE)).isEqualTo(0.01);
    assertThat(config.getString(Setting.PROMETHEUS_HOST)).isEqualTo("127.0.0.1");
    assertThat(config.getInt(Setting.PROMETHEUS_PORT)).isEqualTo(9464);
    assertThat(config.getDuration(Setting.DRIFT_WINDOW_TIME)).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.source(Setting.REGISTRY)).isEqualTo("default");
    assertThat(config.problems()).isEmpty();
  }

  @Test
  void agentArgumentsBeatSystemPropertiesBeatEnvironmentBeatConfigFile() throws Exception {
    Path file = dir.resolve("fathom.properties");
    Files.writeString(file, "registry=/from-file\nsampling.rate=0.2\nfathom.validation.mode=enforce\nprometheus.port=1111\nmodel.fraud.policy=production\n");
    Properties props = new Properties();
    props.setProperty("fathom.registry", "/from-property");
    props.setProperty("fathom.sampling.rate", "0.3");
    props.setProperty("fathom.config", file.toString());
    props.setProperty("unrelated", "x");
    Map<String, String> env = Map.of("FATHOM_REGISTRY", "/from-env", "FATHOM_PROMETHEUS_PORT", "2222", "FATHOM_SAMPLING_RATE", "0.4");
    FathomConfig config = FathomConfig.load("registry=/from-args,models=fraud,churn@2", props, env);
    assertThat(config.getPath(Setting.REGISTRY)).isEqualTo(Path.of("/from-args"));
    assertThat(config.source(Setting.REGISTRY)).isEqualTo("agent argument");
    assertThat(config.getDouble(Setting.SAMPLING_RATE)).isEqualTo(0.3);
    assertThat(config.getInt(Setting.PROMETHEUS_PORT)).isEqualTo(2222);
    assertThat(config.getString(Setting.VALIDATION_MODE)).isEqualTo("enforce");
    assertThat(config.getList(Setting.MODELS)).containsExactly("fraud", "churn@2");
    assertThat(config.perModel()).containsEntry("fraud.policy", "production");
    assertThat(config.problems()).isEmpty();
  }

  @Test
  void invalidValuesAreReportedAndKeepTheirDefault() {
    Properties props = new Properties();
    props.setProperty("fathom.sampling.rate", "lots");
    props.setProperty("fathom.prometheus.port", "-1");
    props.setProperty("fathom.watch.interval", "soon");
    props.setProperty("fathom.no.such.thing", "1");
    FathomConfig config = FathomConfig.load("oops,registry=/r", props, Map.of("FATHOM_CONFIG", "/does/not/exist.properties"));
    assertThat(config.getDouble(Setting.SAMPLING_RATE)).isEqualTo(0.01);
    assertThat(config.getInt(Setting.PROMETHEUS_PORT)).isEqualTo(9464);
    assertThat(config.getPath(Setting.REGISTRY)).isEqualTo(Path.of("/r"));
    assertThat(config.problems())
        .anySatisfy(p -> assertThat(p).contains("sampling.rate=lots"))
        .anySatisfy(p -> assertThat(p).contains("prometheus.port=-1"))
        .anySatisfy(p -> assertThat(p).contains("watch.interval=soon"))
        .anySatisfy(p -> assertThat(p).contains("no.such.thing"))
        .anySatisfy(p -> assertThat(p).contains("'oops'"))
        .anySatisfy(p -> assertThat(p).contains("/does/not/exist.properties"));
  }

  @ParameterizedTest
  @CsvSource({"500ms,500", "2s,2000", "5m,300000", "1h,3600000", "0,0", "PT1.5S,1500"})
  void parsesDurations(String text, long millis) {
    assertThat(FathomConfig.parseDuration(text).toMillis()).isEqualTo(millis);
  }

  @ParameterizedTest
  @CsvSource({"1048576,1048576", "512k,524288", "64m,67108864", "2g,2147483648"})
  void parsesSizes(String text, long bytes) {
    assertThat(FathomConfig.parseBytes(text)).isEqualTo(bytes);
  }
}
