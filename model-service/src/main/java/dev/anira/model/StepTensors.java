package dev.anira.model;

import ai.djl.ndarray.NDArray;

/**
 * What training needs from one recurrence step, with gradients.
 *
 * @param logits [B, T, V] readout of every token's query state h^k
 * @param haltLogits [B, T] ONLINE's halting logits at step k, null for other mechanisms
 */
public record StepTensors(NDArray logits, NDArray haltLogits) {}
