package dev.fathom.examples.data;

/**
 * One card transaction of the demo data set: the features a fraud model sees and the label.
 *
 * @param amount amount in EUR
 * @param hour local hour of day, 0-23
 * @param distanceKm distance from the card holder's home
 * @param velocity1h transactions on the card in the past hour
 * @param accountAgeDays age of the account
 * @param cardPresent 1 if the card was present, 0 for card-not-present
 * @param merchantCategory the merchant category
 * @param country the merchant's country
 * @param fraud the label: 1 for fraud
 */
public record Transaction(
    double amount,
    int hour,
    double distanceKm,
    int velocity1h,
    int accountAgeDays,
    int cardPresent,
    String merchantCategory,
    String country,
    int fraud) {

  /** CSV header: feature names as the model and its manifest name them, then the label. */
  public static final String[] HEADER = {
    "amount", "hour", "distance_km", "velocity_1h", "account_age_days", "card_present", "merchant_category", "country", "is_fraud"
  };

  /** The label column. */
  public static final String LABEL = "is_fraud";

  /** The categorical features' domains, in a fixed order. */
  public static final String[] MERCHANT_CATEGORIES = {"electronics", "fuel", "grocery", "online", "restaurant", "travel"};

  public static final String[] COUNTRIES = {"DE", "FR", "GB", "NL", "US"};

  /** The row as CSV fields, in {@link #HEADER} order. */
  public String[] fields() {
    return new String[] {
      String.format(java.util.Locale.ROOT, "%.2f", amount),
      Integer.toString(hour),
      String.format(java.util.Locale.ROOT, "%.1f", distanceKm),
      Integer.toString(velocity1h),
      Integer.toString(accountAgeDays),
      Integer.toString(cardPresent),
      merchantCategory,
      country,
      Integer.toString(fraud)
    };
  }
}
