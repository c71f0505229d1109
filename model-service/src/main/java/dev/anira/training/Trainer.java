package dev.anira.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import dev.anira.evaluation.Evaluation;
import dev.anira.evaluation.Evaluator;
import dev.anira.model.Anira;
import dev.anira.model.StepTensors;
import dev.anira.model.WholeSequencePass;
import dev.anira.schemas.Mechanism;
import dev.anira.tasks.GeneratedInstance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Trains one model with the PonderNet objective and Adam, evaluating on held-out sets. */
public final class Trainer {

  /** Receives progress; called on the training thread. */
  public interface Listener {
    void progress(Progress progress);

    default void evaluated(int step, Map<String, Evaluation> metrics) {}
  }

  /**
   * @param loss this update's loss
   * @param accuracy answer-token accuracy on this batch, with hard halting
   * @param meanDepth mean answer-token depth on this batch
   * @param tokensPerSecond real tokens trained on per second, since the start
   */
  public record Progress(
      int step,
      int steps,
      double loss,
      double accuracy,
      double meanDepth,
      double tokensPerSecond,
      double elapsedSeconds) {

    public double etaSeconds() {
      return step == 0 ? Double.NaN : elapsedSeconds / step * (steps - step);
    }
  }

  /** The evaluation sets' names in checkpoint metrics. */
  public static final String TRAIN_SET = "train";

  public static final String EXTRAPOLATION_SET = "extrapolation";

  private final Anira model;
  private final TrainingConfig config;
  private final TrainingData data;
  private final Map<String, List<GeneratedInstance>> evalSets;
  private final PonderLoss loss;
  private final Optimizer optimizer;
  private final Evaluator evaluator = new Evaluator(64);
  private int updates;
  private volatile boolean stopRequested;

  public Trainer(
      Anira model,
      TrainingConfig config,
      TrainingData data,
      Map<String, List<GeneratedInstance>> evalSets) {
    this.model = model;
    this.config = config;
    this.data = data;
    this.evalSets = evalSets;
    this.loss =
        new PonderLoss(
            model.config(),
            config.regulariser(),
            config.priorLambda(),
            config.depthSupervision(),
            config.regulariserTokens());
    this.optimizer =
        Optimizer.adam()
            .optLearningRateTracker((id, t) -> (float) config.learningRateAt(t))
            .build();
  }

  /**
   * Ends {@link #train} after the update in progress, which is then evaluated (if it was not
   * already); callable from any thread.
   */
  public void requestStop() {
    stopRequested = true;
  }

  /** Runs every update (or until {@link #requestStop}); returns the final held-out metrics. */
  public Map<String, Evaluation> train(Listener listener) {
    long start = System.nanoTime();
    long tokens = 0;
    Map<String, Evaluation> metrics = Map.of();
    for (int step = 1; step <= config.steps(); step++) {
      boolean last = step == config.steps() || stopRequested;
      List<Example> examples = data.next(config.batch());
      double[] stats = update(examples);
      tokens += (long) stats[3];
      double elapsed = (System.nanoTime() - start) / 1e9;
      listener.progress(
          new Progress(
              step, config.steps(), stats[0], stats[1], stats[2], tokens / elapsed, elapsed));
      if (step % config.evalEvery() == 0 || last) {
        metrics = evaluate();
        listener.evaluated(step, metrics);
      }
      if (last) {
        break;
      }
    }
    return metrics;
  }

  public Map<String, Evaluation> evaluate() {
    Map<String, Evaluation> metrics = new LinkedHashMap<>();
    evalSets.forEach((name, set) -> metrics.put(name, evaluator.evaluate(model, set)));
    return metrics;
  }

  /** One optimiser update; returns {loss, accuracy, mean depth, tokens}. */
  double[] update(List<Example> examples) {
    double[] stats;
    try (NDManager scope = model.newScope()) {
      TrainingBatch batch = TrainingBatch.of(examples, model.config().vocabSize(), scope);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        updates++;
        Forward forward = forward(scope, batch);
        collector.backward(forward.terms().total());
        stats = batchStats(batch, forward.recurrence(), forward.terms().total().getFloat());
      }
      applyGradients(scope);
    }
    return stats;
  }

  /** The whole-sequence pass and its loss; with gradients when a collector is open. */
  Forward forward(NDManager scope, TrainingBatch batch) {
    WholeSequencePass recurrence = model.beginWholeSequence(scope, batch.sequences());
    int depth =
        model.config().mechanism() == Mechanism.FIXED
            ? model.config().fixedDepth()
            : model.config().maxDepth();
    List<StepTensors> steps = new ArrayList<>(depth);
    for (int k = 0; k < depth; k++) {
      steps.add(recurrence.advance());
    }
    PonderLoss.Terms terms =
        loss.compute(
            scope,
            config.betaAt(Math.max(1, updates)),
            config.learnsHaltingAt(Math.max(1, updates)),
            steps,
            recurrence.routerLogits(),
            batch.targets(),
            batch.answerMask(),
            batch.realMask());
    return new Forward(recurrence, terms);
  }

  record Forward(WholeSequencePass recurrence, PonderLoss.Terms terms) {}

  private void applyGradients(NDManager scope) {
    Map<String, NDArray> gradients = new LinkedHashMap<>();
    double squares = 0;
    for (Map.Entry<String, NDArray> entry : model.weights().all().entrySet()) {
      NDArray gradient = entry.getValue().getGradient();
      gradient.attach(scope);
      squares += gradient.square().sum().getFloat();
      gradients.put(entry.getKey(), gradient);
    }
    double norm = Math.sqrt(squares);
    if (!Double.isFinite(norm)) {
      throw new IllegalStateException(
          "the gradient is not finite (norm " + norm + "); lower --lr or check the data");
    }
    NDArray scale =
        norm > config.clipNorm() ? scope.create((float) (config.clipNorm() / norm)) : null;
    for (Map.Entry<String, NDArray> entry : gradients.entrySet()) {
      NDArray gradient = entry.getValue();
      if (scale != null) {
        gradient.muli(scale);
      }
      // Adam also zeroes the gradient, which PyTorch would otherwise accumulate.
      optimizer.update(entry.getKey(), model.weights().all().get(entry.getKey()), gradient);
    }
  }

  private static double[] batchStats(
      TrainingBatch batch, WholeSequencePass recurrence, float lossValue) {
    int[] predictions =
        recurrence
            .answerLogits()
            .argMax(2)
            .toType(ai.djl.ndarray.types.DataType.INT32, false)
            .toIntArray();
    int[] depths = recurrence.depths().toIntArray();
    int length = batch.sequences().length == 0 ? 0 : predictions.length / batch.sequences().length;
    long correct = 0;
    long depthSum = 0;
    for (int b = 0; b < batch.examples().size(); b++) {
      int[] positions = batch.examples().get(b).answerPositions();
      int[] targets = batch.examples().get(b).targets();
      for (int i = 0; i < positions.length; i++) {
        int cell = b * length + positions[i];
        if (predictions[cell] == targets[i]) {
          correct++;
        }
        depthSum += depths[cell];
      }
    }
    return new double[] {
      lossValue,
      (double) correct / batch.answerCount(),
      (double) depthSum / batch.answerCount(),
      batch.tokenCount()
    };
  }
}
