package dev.fathom.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtSession;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.junit.jupiter.api.Test;

class InstrumenterTest {
  /** One inference goes through several run overloads; only the innermost is instrumented. */
  @Test
  void instrumentsOnlyTheInnermostRunOverload() {
    TypeDescription session = TypeDescription.ForLoadedType.of(OrtSession.class);
    ElementMatcher.Junction<MethodDescription> run = Weaver.innermostRun(session);
    List<MethodDescription.InDefinedShape> matched = session.getDeclaredMethods().filter(run);
    assertThat(matched).hasSize(1);
    MethodDescription m = matched.get(0);
    assertThat(m.getParameters().asTypeList().asErasures())
        .extracting(TypeDescription::getName)
        .containsExactly(Map.class.getName(), Set.class.getName(), Map.class.getName(), OrtSession.RunOptions.class.getName());
    long overloads = session.getDeclaredMethods().stream().filter(d -> d.getName().equals("run") && d.isPublic()).count();
    assertThat(overloads).as("the other overloads exist and are left alone").isGreaterThan(3);
  }
}
