package dev.anira.service;

import dev.anira.model.Anira;
import dev.anira.schemas.Mechanism;

/**
 * One model the service runs: a checkpoint loaded on the device.
 *
 * @param modelId the checkpoint name, carried on every record
 */
public record ServedModel(String modelId, String task, Mechanism mechanism, Anira model) {}
