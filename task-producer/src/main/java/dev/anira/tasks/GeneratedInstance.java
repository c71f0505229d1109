package dev.anira.tasks;

import dev.anira.schemas.AlgorithmTrace;
import dev.anira.schemas.ProblemInstance;

/** One generated problem: what the model sees, and the ground truth it is measured against. */
public record GeneratedInstance(ProblemInstance instance, AlgorithmTrace trace) {}
