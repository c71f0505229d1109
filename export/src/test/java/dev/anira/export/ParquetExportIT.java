package dev.anira.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anira.jobs.Fixtures;
import dev.anira.recording.Recordings;
import dev.anira.schemas.Topic;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Records a live run, analyzes the recording with the defaults a user gets, exports it, and reads
 * the Parquet files back with DuckDB's JDBC driver: accuracy and mean depth recomputed in SQL from
 * the halting events equal the job's final cumulative reports.
 */
class ParquetExportIT {

  @Test
  void duckDbRecomputesTheReportsFromTheExportedHaltingEvents(@TempDir Path tmp) throws Exception {
    Fixtures.Data data = Fixtures.data(5);
    Path recording = Recordings.analyzed(data, tmp.resolve("recording"));

    Path parquet = tmp.resolve("parquet");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine export = new CommandLine(new ExportCommand());
    export.setOut(new PrintWriter(out));
    export.setErr(new PrintWriter(err));
    assertThat(export.execute("--from", recording.toString(), "--parquet", parquet.toString()))
        .as("%s", err)
        .isZero();
    assertThat(err.toString()).contains("exporting " + recording.resolve("analysis"));
    assertThat(out.toString()).contains("halting.parquet").contains("alignment.parquet");

    String halting = sql(ParquetExport.file(parquet, Topic.HALTING));
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement q = duck.createStatement()) {
      assertThat(count(q, "SELECT count(*) FROM " + halting)).isEqualTo(data.expected().size());
      try (ResultSet types =
          q.executeQuery(
              "SELECT typeof(eventTime), typeof(mechanism), typeof(stepHaltProbabilities),"
                  + " typeof(staticFeatures) FROM "
                  + halting
                  + " LIMIT 1")) {
        types.next();
        assertThat(types.getString(1)).isEqualTo("TIMESTAMP WITH TIME ZONE");
        assertThat(types.getString(2)).isEqualTo("VARCHAR");
        assertThat(types.getString(3)).isEqualTo("FLOAT[]");
        assertThat(types.getString(4)).startsWith("STRUCT(");
      }

      Map<String, SpecificRecordBase> generalization =
          Recordings.finalCumulative(recording, Topic.GENERALIZATION);
      assertThat(generalization).isNotEmpty();
      try (ResultSet r =
          q.executeQuery(
              "SELECT modelId, task, split, size, count(*), avg(correct::INT), avg(depth) FROM "
                  + halting
                  + " GROUP BY ALL")) {
        assertEqual(r, generalization);
      }

      // Alignment reports cover size buckets "lo-hi": the same join, in SQL.
      String alignment = sql(ParquetExport.file(parquet, Topic.ALIGNMENT));
      Map<String, SpecificRecordBase> expected =
          Recordings.finalCumulative(recording, Topic.ALIGNMENT);
      try (ResultSet r =
          q.executeQuery(
              "WITH buckets AS (SELECT DISTINCT modelId, task, split, sizeBucket,"
                  + " split_part(sizeBucket, '-', 1)::INT AS lo,"
                  + " split_part(sizeBucket, '-', 2)::INT AS hi FROM "
                  + alignment
                  + ") SELECT b.modelId, b.task, b.split, b.sizeBucket, count(*), avg(h.correct::INT),"
                  + " avg(h.depth) FROM buckets b JOIN "
                  + halting
                  + " h ON h.modelId = b.modelId AND h.task = b.task AND h.split = b.split"
                  + " AND h.size BETWEEN b.lo AND b.hi GROUP BY ALL")) {
        assertEqual(r, expected);
      }
    }
  }

  /**
   * Each row of {@code r} (four key columns, then tokens, accuracy and mean depth) equals the
   * report of its key, and every report has a row.
   */
  private static void assertEqual(ResultSet r, Map<String, ? extends SpecificRecordBase> reports)
      throws Exception {
    int keys = 0;
    while (r.next()) {
      keys++;
      String key =
          r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getString(4);
      SpecificRecordBase report = reports.get(key);
      assertThat(report).as("report for %s", key).isNotNull();
      assertThat(r.getLong(5)).as("tokens of %s", key).isEqualTo(report.get("tokens"));
      assertThat(r.getDouble(6))
          .as("accuracy of %s", key)
          .isCloseTo((Double) report.get("accuracy"), within(1e-12));
      assertThat(r.getDouble(7))
          .as("mean depth of %s", key)
          .isCloseTo((Double) report.get("meanDepth"), within(1e-12));
    }
    assertThat(keys).isEqualTo(reports.size());
  }

  /** A file path as a DuckDB string literal. */
  private static String sql(Path file) {
    return "'" + file.toString().replace("'", "''") + "'";
  }

  private static long count(Statement q, String query) throws Exception {
    try (ResultSet r = q.executeQuery(query)) {
      r.next();
      return r.getLong(1);
    }
  }
}
