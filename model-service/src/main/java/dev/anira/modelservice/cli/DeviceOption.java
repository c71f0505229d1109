package dev.anira.modelservice.cli;

import picocli.CommandLine.Option;

/** Where a command runs the model ({@code --device}), as a picocli mixin. */
public final class DeviceOption {

  @Option(
      names = "--device",
      defaultValue = "auto",
      description = "auto, cpu, gpu or gpu:N. Default: ${DEFAULT-VALUE}")
  String device;
}
