package dev.fathom.cli;

import dev.fathom.registry.ModelReference;
import picocli.CommandLine;

/**
 * Option value converters: a malformed value is a usage error (exit 2) reported by picocli with
 * the option's name and the converter's message.
 */
final class Converters {
  private Converters() {}

  /** A positive integer, for versions. */
  static final class PositiveLong implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      long n;
      try {
        n = Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a positive integer");
      }
      if (n < 1) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a positive integer");
      }
      return n;
    }
  }

  /** {@link FeatureSyntax#features}. */
  static final class Features implements CommandLine.ITypeConverter<FeatureSyntax.InputFeatures> {
    @Override
    public FeatureSyntax.InputFeatures convert(String value) {
      try {
        return FeatureSyntax.features(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@link FeatureSyntax#labels}. */
  static final class Labels implements CommandLine.ITypeConverter<FeatureSyntax.OutputLabels> {
    @Override
    public FeatureSyntax.OutputLabels convert(String value) {
      try {
        return FeatureSyntax.labels(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** An alias name ({@link ModelReference#checkAliasName}). */
  static final class Alias implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        return ModelReference.checkAliasName(value);
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
