package dev.fathom.examples.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a transaction CSV before training: the header, every value's type, range and domain, and
 * the label balance. Collects every problem (up to a limit) instead of stopping at the first, so one
 * run shows what is wrong with a file.
 */
public final class DataValidator {
  private static final int MAX_REPORTED = 20;

  /** What validation found. */
  public record Report(int rows, int fraud, List<String> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }

    public double fraudRate() {
      return rows == 0 ? 0 : (double) fraud / rows;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d rows, %d fraud (%.2f%%), %s", rows, fraud, 100 * fraudRate(), ok() ? "no problems" : problems.size() + " problems: " + problems);
    }
  }

  private DataValidator() {}

  public static Report validate(Path csv) throws IOException {
    List<String> problems = new ArrayList<>();
    String[] header = TransactionCsv.header(csv);
    if (!Arrays.equals(header, Transaction.HEADER)) {
      problems.add("header is " + Arrays.toString(header) + ", expected " + Arrays.toString(Transaction.HEADER));
      return new Report(0, 0, problems);
    }
    Set<String> categories = Set.of(Transaction.MERCHANT_CATEGORIES);
    Set<String> countries = Set.of(Transaction.COUNTRIES);
    List<String[]> rows = TransactionCsv.readRows(csv);
    int fraud = 0;
    for (int i = 0; i < rows.size(); i++) {
      String[] f = rows.get(i);
      int line = i + 2;
      if (f.length != Transaction.HEADER.length) {
        add(problems, "line " + line + ": " + f.length + " fields, expected " + Transaction.HEADER.length);
        continue;
      }
      number(problems, line, "amount", f[0], 0.01, 1e6);
      number(problems, line, "hour", f[1], 0, 23);
      number(problems, line, "distance_km", f[2], 0, 20_100);
      number(problems, line, "velocity_1h", f[3], 0, 1000);
      number(problems, line, "account_age_days", f[4], 0, 36_500);
      number(problems, line, "card_present", f[5], 0, 1);
      if (!categories.contains(f[6])) {
        add(problems, "line " + line + ": merchant_category '" + f[6] + "' is not one of " + categories);
      }
      if (!countries.contains(f[7])) {
        add(problems, "line " + line + ": country '" + f[7] + "' is not one of " + countries);
      }
      if (f[8].equals("1")) {
        fraud++;
      } else if (!f[8].equals("0")) {
        add(problems, "line " + line + ": is_fraud must be 0 or 1, not '" + f[8] + "'");
      }
    }
    double rate = rows.isEmpty() ? 0 : (double) fraud / rows.size();
    if (rows.size() < 1000) {
      problems.add("only " + rows.size() + " rows; training needs at least 1000");
    } else if (rate < 0.005 || rate > 0.2) {
      problems.add(String.format(Locale.ROOT, "fraud rate %.2f%% is outside the plausible 0.5%%-20%%", 100 * rate));
    }
    return new Report(rows.size(), fraud, problems);
  }

  private static void number(List<String> problems, int line, String name, String text, double min, double max) {
    try {
      double v = Double.parseDouble(text);
      if (!Double.isFinite(v) || v < min || v > max) {
        add(problems, "line " + line + ": " + name + " = " + text + " is outside [" + min + ", " + max + "]");
      }
    } catch (NumberFormatException e) {
      add(problems, "line " + line + ": " + name + " '" + text + "' is not a number");
    }
  }

  private static void add(List<String> problems, String problem) {
    if (problems.size() < MAX_REPORTED) {
      problems.add(problem);
    }
  }
}
