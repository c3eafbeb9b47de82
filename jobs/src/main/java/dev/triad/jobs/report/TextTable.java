package dev.triad.jobs.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: the first {@code leftColumns} columns left-aligned (names), the others
 * right-aligned (figures), two spaces apart.
 */
final class TextTable {

    private final int leftColumns;
    private final List<String[]> rows = new ArrayList<>();

    TextTable(int leftColumns, String... header) {
        this.leftColumns = leftColumns;
        rows.add(header);
    }

    TextTable row(String... cells) {
        if (cells.length != rows.get(0).length) {
            throw new IllegalArgumentException(
                    "Row has " + cells.length + " cells, the header " + rows.get(0).length);
        }
        rows.add(cells);
        return this;
    }

    void print(PrintWriter out, String indent) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < columns; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(width[i] - row[i].length());
                line.append(i < leftColumns ? row[i] + pad : pad + row[i]);
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
