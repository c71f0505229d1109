package dev.anira.service;

import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.RecurrenceStep;

/** Where the batcher's records go: a Kafka transaction in the service, a list in tests. */
public interface OutputSink {
  void step(RecurrenceStep step);

  void result(InstanceResult result);

  /**
   * Whether the records are still wanted; an instance whose sink no longer wants them and has not
   * joined a batch yet is dropped from the queue instead of computed (the service's partition went
   * to another instance, which redoes it).
   */
  default boolean wanted() {
    return true;
  }
}
