package dev.fathom.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fathom.registry.FeatureSpec;
import dev.fathom.registry.FeatureSpec.Encoding;
import dev.fathom.registry.FeatureSpec.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FeatureSyntaxTest {
  @Test
  void parsesEveryPart() {
    FeatureSyntax.InputFeatures parsed =
        FeatureSyntax.features(" amount:num(0..10000):nullable, age , score:num(..1.5e2), t:num(-1..), country:cat(DE|FR| US ):onehot,tier:cat(a|b):index:nullable");
    assertThat(parsed.input()).isEmpty();
    assertThat(parsed.features())
        .containsExactly(
            new FeatureSpec("amount", Kind.NUMERIC, null, null, 0.0, 10000.0, true),
            FeatureSpec.numeric("age"),
            new FeatureSpec("score", Kind.NUMERIC, null, null, null, 150.0, false),
            new FeatureSpec("t", Kind.NUMERIC, null, null, -1.0, null, false),
            FeatureSpec.categorical("country", Encoding.ONE_HOT, List.of("DE", "FR", "US")),
            new FeatureSpec("tier", Kind.CATEGORICAL, Encoding.INDEX, List.of("a", "b"), null, null, true));
    assertThat(FeatureSyntax.features("c:cat(x|y)").features().get(0).encoding()).isEqualTo(Encoding.INDEX);
  }

  @Test
  void namesTheInputBeforeEquals() {
    FeatureSyntax.InputFeatures parsed = FeatureSyntax.features("input_1:0=f0,f1");
    assertThat(parsed.input()).isEqualTo("input_1:0");
    assertThat(parsed.features()).extracting(FeatureSpec::name).containsExactly("f0", "f1");
  }

  @Test
  void parsesLabels() {
    assertThat(FeatureSyntax.labels("legit, fraud")).isEqualTo(new FeatureSyntax.OutputLabels("", List.of("legit", "fraud")));
    assertThat(FeatureSyntax.labels("probabilities=legit,fraud")).isEqualTo(new FeatureSyntax.OutputLabels("probabilities", List.of("legit", "fraud")));
    assertThatThrownBy(() -> FeatureSyntax.labels("a,,b")).hasMessageContaining("empty label");
    assertThatThrownBy(() -> FeatureSyntax.labels("a,a")).hasMessageContaining("'a' is given twice");
    assertThatThrownBy(() -> FeatureSyntax.labels("out=")).hasMessageContaining("no labels after 'out='");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '#',
      quoteCharacter = '"',
      value = {
        "a,a # feature 'a' is named twice",
        "a,,b # empty feature",
        "a:num:cat(x) # the kind is given twice",
        "a:cat(x|y):cat(z) # the kind is given twice",
        "a:num(1..0) # min 1.0 is greater than max 0.0",
        "a:num(1) # num(MIN..MAX)",
        "a:num(..) # gives no bound",
        "a:num(x..1) # 'x' is not a number",
        "a:num(NaN..1) # 'NaN' is not a number",
        "a:cat # lists its categories",
        "a:cat() # empty category",
        "a:cat(x||y) # empty category",
        "a:cat(x|x) # category 'x' is listed twice",
        "a:cat(x|y # unbalanced '('",
        "a:cat(x)y # malformed",
        "a:onehot # 'onehot' needs cat(...)",
        "a:cat(x):onehot:index # the encoding is given twice",
        "a:nullable:nullable # 'nullable' is given twice",
        "a:float # unknown part 'float'",
        "=a # empty tensor name",
        "in= # no features after 'in='",
        "a=b=c # contains '='",
        "a) # unbalanced ')'",
      })
  void refusesMistakesNamingThem(String text, String message) {
    assertThatThrownBy(() -> FeatureSyntax.features(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }
}
