package dev.fathom.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fathom.InvalidReferenceException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ModelReferenceTest {
  @Test
  void parsesPolicyPinnedAliasAndLatest() {
    assertThat(ModelReference.parse("fraud").kind()).isEqualTo(ModelReference.Kind.POLICY);
    ModelReference pinned = ModelReference.parse("fraud@3");
    assertThat(pinned.kind()).isEqualTo(ModelReference.Kind.VERSION);
    assertThat(pinned.version()).isEqualTo(3);
    ModelReference alias = ModelReference.parse("fraud@production");
    assertThat(alias.kind()).isEqualTo(ModelReference.Kind.ALIAS);
    assertThat(alias.aliasName()).isEqualTo("production");
    assertThat(ModelReference.parse("fraud@latest").kind()).isEqualTo(ModelReference.Kind.LATEST);
    assertThat(ModelReference.parse("a.b_c-9@canary-2").toString()).isEqualTo("a.b_c-9@canary-2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Fraud", "../etc", "fraud/3", "fraud@", "fraud@0", "fraud@03", "fraud@-1", "fraud@Prod", "fraud@1@2", ".hidden", "a b", "x@9999999999999999999"})
  void refusesInvalidReferencesBeforeTouchingTheFileSystem(String text) {
    assertThatThrownBy(() -> ModelReference.parse(text)).isInstanceOf(InvalidReferenceException.class).hasMessageContaining("invalid");
  }

  @Test
  void refusesOverlongNamesAndReservedAliases() {
    assertThatThrownBy(() -> ModelReference.parse("a".repeat(65))).isInstanceOf(InvalidReferenceException.class);
    assertThat(ModelReference.parse("a".repeat(64)).model()).hasSize(64);
    assertThatThrownBy(() -> ModelReference.checkAliasName("latest")).isInstanceOf(InvalidReferenceException.class).hasMessageContaining("reserved");
  }
}
