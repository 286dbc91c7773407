package dev.fathom.internal.monitor;

import dev.fathom.ValidationException;

/** The validation rules, with the names used in exceptions and in the {@code rule} attribute. */
enum Rule {
  MISSING(ValidationException.MISSING),
  NAN(ValidationException.NAN),
  INFINITE(ValidationException.INFINITE),
  RANGE(ValidationException.RANGE),
  CATEGORY(ValidationException.CATEGORY),
  DTYPE(ValidationException.DTYPE),
  SHAPE(ValidationException.SHAPE);

  static final Rule[] ALL = values();

  final String id;

  Rule(String id) {
    this.id = id;
  }
}
