package dev.anira.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's no-grad mode on the calling thread for the length of a try block, as {@code
 * torch.no_grad()} in Python, then the thread's earlier mode again.
 *
 * <p>Why: the weights require gradients (training differentiates them), and libtorch's grad mode is
 * thread-local and on by default for every new thread. DJL turns it off only on the thread that
 * loads the engine, so inference on any other thread (the service loop, a JMH worker) recorded an
 * autograd graph of every operation and kept its inputs alive until the outputs were freed. See
 * PyTorch's "Locally disabling gradient computation" (docs/notes/autograd) and DJL's {@code
 * PtEngine}, which calls {@code JniUtils.setGradMode(false)} once.
 */
final class NoGrad implements AutoCloseable {

  private final boolean restore;

  private NoGrad(boolean restore) {
    this.restore = restore;
  }

  static NoGrad enter() {
    boolean on = JniUtils.isGradMode();
    if (on) {
      JniUtils.setGradMode(false);
    }
    return new NoGrad(on);
  }

  @Override
  public void close() {
    if (restore) {
      JniUtils.setGradMode(true);
    }
  }
}
