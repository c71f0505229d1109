package dev.anira.modelservice.cli;

import dev.anira.model.Devices;
import picocli.CommandLine.Option;

/** Where a command runs the model ({@code --device}), as a picocli mixin. */
public final class DeviceOption {

  @Option(
      names = "--device",
      defaultValue = Devices.AUTO,
      description = "auto, cpu, gpu or gpu:N. Default: ${DEFAULT-VALUE}")
  String device;
}
