package dev.fathom.internal.util;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one configured Jackson mapper Fathom reads and writes its files with. Thread-safe. */
public final class Json {
  /**
   * Ignores unknown properties (newer writers may add fields), leaves out nulls, writes enums by
   * their lower-case {@code toString()} and indents files so they diff well. Convenience methods
   * named {@code isX()} are not properties: the file formats are the records' components only
   * ({@code FeatureSpec.isCategorical()} would otherwise write a {@code categorical} field that
   * repeats {@code kind}).
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false)
          .configure(SerializationFeature.WRITE_ENUMS_USING_TO_STRING, true)
          .configure(DeserializationFeature.READ_ENUMS_USING_TO_STRING, true)
          .configure(SerializationFeature.INDENT_OUTPUT, true)
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
          .visibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
          .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
          .build();

  /** A compact mapper for JSON lines (no indentation). */
  public static final ObjectMapper COMPACT = MAPPER.copy().configure(SerializationFeature.INDENT_OUTPUT, false);

  private Json() {}
}
