package dev.fathom.examples.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes and reads the demo's transaction CSV (comma-separated, header row, no quoting needed). */
public final class TransactionCsv {
  private TransactionCsv() {}

  public static void write(Path file, List<Transaction> rows) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(String.join(",", Transaction.HEADER));
      out.newLine();
      for (Transaction t : rows) {
        out.write(String.join(",", t.fields()));
        out.newLine();
      }
    }
  }

  /** Reads the raw rows (header excluded) as string fields, for validation and training. */
  public static List<String[]> readRows(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String[]> rows = new ArrayList<>(Math.max(0, lines.size() - 1));
    for (int i = 1; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        rows.add(lines.get(i).split(",", -1));
      }
    }
    return rows;
  }

  /** The header row. */
  public static String[] header(Path file) throws IOException {
    try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = reader.readLine();
      return first == null ? new String[0] : first.split(",", -1);
    }
  }

  public static Transaction parse(String[] f) {
    return new Transaction(
        Double.parseDouble(f[0]),
        Integer.parseInt(f[1]),
        Double.parseDouble(f[2]),
        Integer.parseInt(f[3]),
        Integer.parseInt(f[4]),
        Integer.parseInt(f[5]),
        f[6],
        f[7],
        Integer.parseInt(f[8]));
  }
}
