package dev.anira.jobs;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time taken where the records enter the job. Given to a Kafka source, the strategy runs per
 * partition (Flink's per-split watermarks), so a backlog read from several partitions at uneven
 * speeds never moves the watermark past a record still waiting in a slower partition. The join and
 * the windows downstream only forward these watermarks; they never re-derive them from the order in
 * which instances complete.
 */
public final class SourceEventTime {

  private SourceEventTime() {}

  /**
   * Watermarks bounded by {@code outOfOrderness} behind the newest event time of each partition; a
   * partition silent for {@code idleness} (processing time) stops holding the watermark back.
   * Records that do not decode get no event time ({@link Long#MIN_VALUE}): they never move the
   * watermark (a corrupt record's time could be anything, and one far ahead would make the others
   * late), and they go to the dead-letter topic downstream. A record that decodes counts with its
   * time, whatever it is: only its decode can tell a record corrupt.
   */
  public static WatermarkStrategy<RawRecord> watermarks(
      Duration outOfOrderness, Duration idleness) {
    return WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(outOfOrderness)
        .withTimestampAssigner(new Assigner())
        .withIdleness(idleness);
  }

  /** The same strategy with the bounds of a job's configuration. */
  public static WatermarkStrategy<RawRecord> watermarks(AnalyticsConfig config) {
    return watermarks(config.outOfOrderness(), config.idleness());
  }

  /**
   * A message's event time in epoch milliseconds, or {@link Long#MIN_VALUE} if it has none. Read by
   * decoding the message as the join will ({@link JoinInput#decode(String, byte[])}); the result is
   * kept in {@link RawRecord#decoded} for the job's decode to take: a second pass over every
   * message for its event time alone was a sixth of the source's time (JFR, issue 20).
   */
  static long of(RawRecord raw) {
    raw.decoded = null;
    if (raw.value == null) {
      return Long.MIN_VALUE;
    }
    try {
      raw.decoded = JoinInput.decode(raw.topic, raw.value);
      return raw.decoded.eventTime;
    } catch (RuntimeException undecodable) {
      return Long.MIN_VALUE;
    }
  }

  private static final class Assigner implements SerializableTimestampAssigner<RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public long extractTimestamp(RawRecord raw, long kafkaTimestamp) {
      return of(raw);
    }
  }
}
