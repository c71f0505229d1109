package dev.anira.training;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.anira.tasks.SizeRange;
import java.util.Map;

/**
 * Everything that determines a training run besides the architecture; stored in the checkpoint JSON
 * so the run can be repeated bit for bit.
 *
 * @param task task name
 * @param trainSizes sizes drawn for training and the held-out train-size eval, {@code MIN..MAX}
 * @param extrapolationSizes larger sizes for the extrapolation eval
 * @param knobs other knob ranges, knob → {@code MIN..MAX}
 * @param instanceFile a file from {@code anira produce --out} to train on instead of the library
 * @param steps optimiser updates
 * @param batch sequences per update
 * @param seed seeds the weights and the data
 * @param learningRate Adam's peak learning rate
 * @param warmupSteps linear warm-up updates
 * @param schedule the learning rate after warm-up: constant, or cosine decay to a tenth
 * @param beta weight of the compute regulariser
 * @param betaWarmup share of the updates over which β ramps up from 0, so every depth learns to
 *     answer before the regulariser starts pushing halting earlier
 * @param regulariser STEPS (β·E[k]) or KL (β·KL(p ‖ Geometric(λ_p)))
 * @param priorLambda λ_p of the geometric prior
 * @param clipNorm global gradient-norm clip
 * @param evalEvery updates between held-out evaluations
 * @param evalCount instances per held-out evaluation set
 * @param depthSupervision which depths' readouts the task term trains
 * @param regulariserTokens which tokens' halting the regulariser prices
 * @param haltingWarmup share of the updates that train only the readouts (every depth's answer)
 *     before the halting head or router starts learning; only with depth supervision ALL
 */
public record TrainingConfig(
    @JsonProperty("task") String task,
    @JsonProperty("trainSizes") String trainSizes,
    @JsonProperty("extrapolationSizes") String extrapolationSizes,
    @JsonProperty("knobs") Map<String, String> knobs,
    @JsonProperty("instanceFile") String instanceFile,
    @JsonProperty("steps") int steps,
    @JsonProperty("batch") int batch,
    @JsonProperty("seed") long seed,
    @JsonProperty("learningRate") double learningRate,
    @JsonProperty("warmupSteps") int warmupSteps,
    @JsonProperty("schedule") Schedule schedule,
    @JsonProperty("beta") double beta,
    @JsonProperty("betaWarmup") double betaWarmup,
    @JsonProperty("regulariser") PonderLoss.Regulariser regulariser,
    @JsonProperty("priorLambda") double priorLambda,
    @JsonProperty("clipNorm") double clipNorm,
    @JsonProperty("evalEvery") int evalEvery,
    @JsonProperty("evalCount") int evalCount,
    @JsonProperty("depthSupervision") PonderLoss.DepthSupervision depthSupervision,
    @JsonProperty("regulariserTokens") PonderLoss.RegulariserTokens regulariserTokens,
    @JsonProperty("haltingWarmup") double haltingWarmup) {

  /** The learning rate after warm-up. */
  public enum Schedule {
    /** The peak rate until the end. */
    CONSTANT,
    /** Cosine decay to a tenth of the peak at the last update. */
    COSINE
  }

  public TrainingConfig {
    knobs = knobs == null ? Map.of() : Map.copyOf(knobs);
    // Absent fields mean a checkpoint written before they existed: read them as what it ran with.
    regulariser = regulariser == null ? PonderLoss.Regulariser.STEPS : regulariser;
    schedule = schedule == null ? Schedule.COSINE : schedule;
    depthSupervision =
        depthSupervision == null ? PonderLoss.DepthSupervision.EXPECTED : depthSupervision;
    regulariserTokens =
        regulariserTokens == null ? PonderLoss.RegulariserTokens.ALL : regulariserTokens;
    require(steps >= 1, "steps must be at least 1, got " + steps);
    require(batch >= 1, "batch must be at least 1, got " + batch);
    require(learningRate > 0, "learning rate must be > 0, got " + learningRate);
    require(warmupSteps >= 0, "warm-up must be >= 0, got " + warmupSteps);
    require(beta >= 0, "beta must be >= 0, got " + beta);
    require(betaWarmup >= 0 && betaWarmup < 1, "beta warm-up must be in [0, 1), got " + betaWarmup);
    require(
        priorLambda > 0 && priorLambda < 1, "prior lambda must be in (0, 1), got " + priorLambda);
    require(
        haltingWarmup >= 0 && haltingWarmup < 1,
        "halting warm-up must be in [0, 1), got " + haltingWarmup);
    require(
        haltingWarmup == 0 || depthSupervision == PonderLoss.DepthSupervision.ALL,
        "a halting warm-up needs depth supervision all: under expected, the halting decides"
            + " which depths train");
    require(clipNorm > 0, "clip norm must be > 0, got " + clipNorm);
    require(evalEvery >= 1, "eval-every must be at least 1, got " + evalEvery);
    require(evalCount >= 1, "eval-count must be at least 1, got " + evalCount);
    SizeRange.parse(trainSizes);
    SizeRange.parse(extrapolationSizes);
  }

  /** The same run with another evaluation set size. */
  public TrainingConfig withEvalCount(int count) {
    return new TrainingConfig(
        task,
        trainSizes,
        extrapolationSizes,
        knobs,
        instanceFile,
        steps,
        batch,
        seed,
        learningRate,
        warmupSteps,
        schedule,
        beta,
        betaWarmup,
        regulariser,
        priorLambda,
        clipNorm,
        evalEvery,
        count,
        depthSupervision,
        regulariserTokens,
        haltingWarmup);
  }

  /** Whether the halting head or router learns at update t (1-based): after the warm-up. */
  public boolean learnsHaltingAt(int t) {
    return t > haltingWarmup * steps;
  }

  /** Learning rate at update t (1-based): linear warm-up, then the {@link #schedule}. */
  public double learningRateAt(int t) {
    if (t <= warmupSteps) {
      return learningRate * t / Math.max(1, warmupSteps);
    }
    if (schedule == Schedule.CONSTANT) {
      return learningRate;
    }
    double progress = (double) (t - warmupSteps) / Math.max(1, steps - warmupSteps);
    return learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
  }

  /** β at update t (1-based). */
  public double betaAt(int t) {
    double ramp = betaWarmup * steps;
    return ramp <= 0 ? beta : beta * Math.min(1, t / ramp);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
