package dev.fathom.examples.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fathom.Features;
import dev.fathom.examples.data.Transaction;
import java.util.Map;

/**
 * The scoring service's JSON: a request is an object of feature name to value (numbers for numeric
 * features, strings for categorical ones), exactly the model's feature names; unknown or missing
 * features are refused by Fathom with a typed error naming the feature.
 */
public final class TransactionJson {
  private TransactionJson() {}

  /** Request body to Fathom features, keeping JSON numbers as numbers and strings as strings. */
  public static Features features(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("the request body must be a JSON object of feature name to value");
    }
    Features.Builder features = Features.builder();
    for (Map.Entry<String, JsonNode> field : body.properties()) {
      JsonNode v = field.getValue();
      if (v.isNumber()) {
        features.put(field.getKey(), v.doubleValue());
      } else if (v.isTextual()) {
        features.put(field.getKey(), v.textValue());
      } else if (v.isBoolean()) {
        features.put(field.getKey(), v.booleanValue());
      } else if (v.isNull()) {
        features.missing(field.getKey());
      } else {
        throw new IllegalArgumentException("feature '" + field.getKey() + "' must be a number, a string or null");
      }
    }
    return features.build();
  }

  /** A transaction as a request body. */
  public static ObjectNode request(ObjectNode node, Transaction t) {
    node.put("amount", t.amount());
    node.put("hour", t.hour());
    node.put("distance_km", t.distanceKm());
    node.put("velocity_1h", t.velocity1h());
    node.put("account_age_days", t.accountAgeDays());
    node.put("card_present", t.cardPresent());
    node.put("merchant_category", t.merchantCategory());
    node.put("country", t.country());
    return node;
  }
}
