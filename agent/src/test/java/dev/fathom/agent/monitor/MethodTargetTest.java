package dev.fathom.agent.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MethodTargetTest {
  @Test
  void parsesClassMethodAndModelAndReportsMalformedItems() {
    List<String> problems = new ArrayList<>();
    List<MethodTarget> targets = MethodTarget.parse(List.of("com.acme.Scorer#score=fraud", "com.acme.Risk$Inner#rate", "nohash", "a.B#c=Bad Name"), problems);
    assertThat(targets).hasSize(2);
    assertThat(targets.get(0)).extracting(MethodTarget::id, MethodTarget::className, MethodTarget::methodName, MethodTarget::model).containsExactly(0, "com.acme.Scorer", "score", "fraud");
    assertThat(targets.get(1).model()).isNull();
    assertThat(targets.get(1).id()).isEqualTo(1);
    assertThat(targets.get(1).derivedModelName()).isEqualTo("risk.inner.rate");
    assertThat(problems).hasSize(2);
    assertThat(problems.get(0)).contains("'nohash'").contains("class#method[=model]");
    assertThat(problems.get(1)).contains("'Bad Name'").contains("[a-z0-9]");
  }

  @Test
  void sanitizesFreeTextIntoModelNames() {
    assertThat(ModelIdentity.sanitize("Fraud Model (v2)", "x")).isEqualTo("fraud-model--v2-");
    assertThat(ModelIdentity.sanitize("__mlp16", "x")).isEqualTo("mlp16");
    assertThat(ModelIdentity.sanitize("", "onnx-model")).isEqualTo("onnx-model");
    assertThat(ModelIdentity.sanitize(null, "onnx-model")).isEqualTo("onnx-model");
    assertThat(ModelIdentity.sanitize("a".repeat(100), "x")).hasSize(64).matches("[a-z0-9][a-z0-9._-]{0,63}");
  }
}
