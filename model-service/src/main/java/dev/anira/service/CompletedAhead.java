package dev.anira.service;

import java.util.Base64;
import java.util.BitSet;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * The input records at or past a partition's committed offset whose outputs are committed already,
 * carried in that offset's metadata. With it the service commits an instance's outputs as soon as
 * the instance finishes, instead of holding them until every instance read before it from the same
 * partition has finished, and whoever resumes the partition skips those records instead of serving
 * them twice. Both go in one transaction ({@code sendOffsetsToTransaction}), so the offset, its
 * metadata and the outputs commit or abort together.
 *
 * <p>Encoding: {@code anira.completed-ahead:} then Base64 of a bit set whose bit {@code i} stands
 * for offset {@code committed + 1 + i} (the committed offset itself is the first record not done).
 * Kafka's brokers refuse metadata over {@code offset.metadata.max.bytes}, 4,096 by default, so
 * offsets further than {@link #MAX_DISTANCE} past the committed one are not carried: their outputs
 * wait until the committed offset comes closer.
 */
final class CompletedAhead {

  static final String PREFIX = "anira.completed-ahead:";

  /** How far past the committed offset a completed record may be: 2,048 bytes of bits at most. */
  static final long MAX_DISTANCE = 8 * 2048 - 1;

  private CompletedAhead() {}

  /**
   * The offset to commit, {@code position}, with {@code completed} in its metadata.
   *
   * @throws IllegalArgumentException for an offset not in {@code [position, position +
   *     MAX_DISTANCE]}
   */
  static OffsetAndMetadata offset(long position, Collection<Long> completed) {
    if (completed.isEmpty()) {
      return new OffsetAndMetadata(position);
    }
    BitSet bits = new BitSet();
    for (long offset : completed) {
      long distance = offset - position;
      if (distance < 0 || distance > MAX_DISTANCE) {
        throw new IllegalArgumentException(
            "offset " + offset + " is not within " + MAX_DISTANCE + " past " + position);
      }
      bits.set(Math.toIntExact(distance));
    }
    return new OffsetAndMetadata(
        position, PREFIX + Base64.getEncoder().encodeToString(bits.toByteArray()));
  }

  /**
   * The offsets, from {@code committed}'s own on, that it says are done; none for no commit or
   * metadata written by something else.
   */
  static Set<Long> of(OffsetAndMetadata committed) {
    Set<Long> offsets = new TreeSet<>();
    if (committed == null || !committed.metadata().startsWith(PREFIX)) {
      return offsets;
    }
    BitSet bits =
        BitSet.valueOf(Base64.getDecoder().decode(committed.metadata().substring(PREFIX.length())));
    for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
      offsets.add(committed.offset() + i);
    }
    return offsets;
  }
}
