package dev.fathom.examples.data;

import java.util.Random;

/**
 * Generates realistic card transactions with a fraud label. Fraud is rare (about 3%) and differs
 * from normal traffic in every feature, each a little: larger amounts, night hours, far from home,
 * bursts of transactions, young accounts, card-not-present, online and electronics merchants,
 * foreign countries. {@link Shift} moves the live distribution away from the training one for the
 * drift part of the demo. Deterministic for a seed; not thread-safe.
 */
public final class TransactionGenerator {
  /** How live traffic differs from training traffic. */
  public enum Shift {
    /** Same distribution as the training data. */
    NONE,
    /** Holiday season: amounts up by half, far more online shopping. */
    HOLIDAY
  }

  private static final double FRAUD_RATE = 0.03;
  private static final double[] LEGIT_CATEGORY = {0.06, 0.16, 0.30, 0.18, 0.20, 0.10};
  private static final double[] FRAUD_CATEGORY = {0.16, 0.10, 0.16, 0.30, 0.14, 0.14};
  private static final double[] HOLIDAY_CATEGORY = {0.12, 0.08, 0.17, 0.43, 0.12, 0.08};
  private static final double[] LEGIT_COUNTRY = {0.62, 0.10, 0.08, 0.12, 0.08};
  private static final double[] FRAUD_COUNTRY = {0.40, 0.10, 0.15, 0.12, 0.23};

  private final Random random;
  private final Shift shift;

  public TransactionGenerator(long seed, Shift shift) {
    this.random = new Random(seed);
    this.shift = shift;
  }

  public Transaction next() {
    boolean fraud = random.nextDouble() < FRAUD_RATE;
    boolean holiday = shift == Shift.HOLIDAY;
    double amount = Math.exp(fraud ? 4.0 + 1.0 * random.nextGaussian() : 3.4 + 0.9 * random.nextGaussian());
    if (holiday) {
      amount *= 1.5;
    }
    amount = Math.min(20_000, Math.max(0.5, amount));
    int hour = fraud && random.nextDouble() < 0.25 ? random.nextInt(6) : daytimeHour();
    double distance = -Math.log(1 - random.nextDouble()) * (fraud ? 60 : 15);
    int velocity = poisson(fraud ? 1.6 : 0.8);
    int accountAge = (int) Math.min(5000, fraud ? 10 + -Math.log(1 - random.nextDouble()) * 700 : 30 + random.nextDouble() * 3000);
    int cardPresent = random.nextDouble() < (fraud ? 0.35 : holiday ? 0.45 : 0.7) ? 1 : 0;
    String category = Transaction.MERCHANT_CATEGORIES[pick(fraud ? FRAUD_CATEGORY : holiday ? HOLIDAY_CATEGORY : LEGIT_CATEGORY)];
    String country = Transaction.COUNTRIES[pick(fraud ? FRAUD_COUNTRY : LEGIT_COUNTRY)];
    return new Transaction(amount, hour, distance, velocity, accountAge, cardPresent, category, country, fraud ? 1 : 0);
  }

  private int daytimeHour() {
    double h = 14 + 3.5 * random.nextGaussian();
    return (int) Math.floorMod(Math.round(h), 24L);
  }

  private int poisson(double mean) {
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    int n = 0;
    while (product > limit) {
      product *= random.nextDouble();
      n++;
    }
    return n;
  }

  private int pick(double[] probabilities) {
    double u = random.nextDouble();
    double sum = 0;
    for (int i = 0; i < probabilities.length; i++) {
      sum += probabilities[i];
      if (u < sum) {
        return i;
      }
    }
    return probabilities.length - 1;
  }
}
