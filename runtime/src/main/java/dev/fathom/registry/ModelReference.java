package dev.fathom.registry;

import dev.fathom.InvalidReferenceException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A reference to a model in the registry: {@code fraud} (the model's policy, latest version by
 * default), {@code fraud@3} (a pinned version) or {@code fraud@production} (an alias from the
 * model's {@code aliases.json}). {@code fraud@latest} names the latest version explicitly.
 *
 * <p>Names are checked against {@code [a-z0-9][a-z0-9._-]{0,63}} before anything touches the file
 * system, so a reference can never name a path outside the registry. Immutable.
 */
public final class ModelReference {
  /** What a reference selects. */
  public enum Kind {
    /** The model's policy: the latest complete version unless configured otherwise. */
    POLICY,
    /** One pinned version. */
    VERSION,
    /** The version an alias in {@code aliases.json} points at. */
    ALIAS,
    /** The highest complete version, whatever the model's policy. */
    LATEST
  }

  private static final Pattern MODEL_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern ALIAS_NAME = Pattern.compile("[a-z][a-z0-9._-]{0,63}");
  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");

  private final String model;
  private final Kind kind;
  private final long version;
  private final String alias;

  private ModelReference(String model, Kind kind, long version, String alias) {
    this.model = model;
    this.kind = kind;
    this.version = version;
    this.alias = alias;
  }

  /**
   * Parses {@code name}, {@code name@version}, {@code name@alias} or {@code name@latest}.
   *
   * @throws InvalidReferenceException naming the rule the text breaks
   */
  public static ModelReference parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidReferenceException("invalid model reference: it is empty; expected name, name@version or name@alias");
    }
    int at = text.indexOf('@');
    if (at < 0) {
      return new ModelReference(checkModelName(text), Kind.POLICY, 0, null);
    }
    String model = checkModelName(text.substring(0, at));
    String selector = text.substring(at + 1);
    if (VERSION.matcher(selector).matches()) {
      return new ModelReference(model, Kind.VERSION, Long.parseLong(selector), null);
    }
    if ("latest".equals(selector)) {
      return new ModelReference(model, Kind.LATEST, 0, null);
    }
    if (ALIAS_NAME.matcher(selector).matches()) {
      return new ModelReference(model, Kind.ALIAS, 0, selector);
    }
    throw new InvalidReferenceException(
        "invalid model reference '"
            + text
            + "': after '@' comes a positive version number without leading zeros or an alias matching "
            + ALIAS_NAME.pattern());
  }

  /** A reference to the model's policy. */
  public static ModelReference policy(String model) {
    return new ModelReference(checkModelName(model), Kind.POLICY, 0, null);
  }

  /** A reference pinned to one version. */
  public static ModelReference pinned(String model, long version) {
    if (version < 1) {
      throw new InvalidReferenceException("invalid version " + version + " of model '" + model + "': versions are positive integers");
    }
    return new ModelReference(checkModelName(model), Kind.VERSION, version, null);
  }

  /** A reference through an alias. */
  public static ModelReference alias(String model, String alias) {
    return new ModelReference(checkModelName(model), Kind.ALIAS, 0, checkAliasName(alias));
  }

  /**
   * Returns {@code name} if it is a valid model name.
   *
   * @throws InvalidReferenceException otherwise, naming the rule
   */
  public static String checkModelName(String name) {
    if (name == null || !MODEL_NAME.matcher(name).matches()) {
      throw new InvalidReferenceException(
          "invalid model name '" + name + "': model names match " + MODEL_NAME.pattern());
    }
    return name;
  }

  /** Whether {@code name} is a valid model name. */
  public static boolean isValidModelName(String name) {
    return name != null && MODEL_NAME.matcher(name).matches();
  }

  /**
   * Returns {@code alias} if it is a valid alias name (it starts with a letter so it can never be
   * read as a version; {@code latest} is reserved).
   */
  public static String checkAliasName(String alias) {
    if (alias == null || !ALIAS_NAME.matcher(alias).matches() || "latest".equals(alias)) {
      throw new InvalidReferenceException(
          "invalid alias '" + alias + "': aliases match " + ALIAS_NAME.pattern() + " and 'latest' is reserved");
    }
    return alias;
  }

  public String model() {
    return model;
  }

  public Kind kind() {
    return kind;
  }

  /** The pinned version; 0 unless {@link #kind()} is {@link Kind#VERSION}. */
  public long version() {
    return version;
  }

  /** The alias; null unless {@link #kind()} is {@link Kind#ALIAS}. */
  public String aliasName() {
    return alias;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ModelReference)) {
      return false;
    }
    ModelReference other = (ModelReference) o;
    return kind == other.kind && version == other.version && model.equals(other.model) && Objects.equals(alias, other.alias);
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, kind, version, alias);
  }

  /** The reference in its parseable form. */
  @Override
  public String toString() {
    switch (kind) {
      case VERSION:
        return model + "@" + version;
      case ALIAS:
        return model + "@" + alias;
      case LATEST:
        return model + "@latest";
      default:
        return model;
    }
  }
}
