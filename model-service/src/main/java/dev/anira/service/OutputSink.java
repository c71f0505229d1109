package dev.anira.service;

import dev.anira.schemas.InstanceResult;
import dev.anira.schemas.RecurrenceStep;

/** Where the batcher's records go: a Kafka transaction in the service, a list in tests. */
public interface OutputSink {
  void step(RecurrenceStep step);

  void result(InstanceResult result);
}
