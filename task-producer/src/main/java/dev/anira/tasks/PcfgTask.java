package dev.anira.tasks;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Subject-verb agreement across centre-embedded relative clauses: {@code the N0 that the N1 that
 * the N2 V2 V1 V0}. Verbs are number-neutral lemmas; each verb is an answer whose target is its
 * subject's number (0 singular, 1 plural). Ids: 0-1 the classes, 2 "the", 3 "that", 4-9 singular
 * nouns, 10-15 plural nouns, 16-21 verb lemmas.
 *
 * <p>Reference: clause reduction; step t reduces the innermost remaining clause, so the verb of
 * embedding level k (of depth d) is resolved at step d - k + 1 ({@code clause-reduction}, primary).
 * A left-to-right stack parser resolves a verb when it reads it ({@code stack-scan}). Attractors
 * are intervening nouns whose number differs from the subject's.
 */
final class PcfgTask implements Task {

  static final int THE = 2;
  static final int THAT = 3;
  static final int SINGULAR_NOUNS = 4;
  static final int PLURAL_NOUNS = 10;
  static final int VERBS = 16;
  static final int LEXICON = 6;

  @Override
  public String name() {
    return "pcfg";
  }

  @Override
  public int vocabSize() {
    return VERBS + LEXICON;
  }

  @Override
  public String sizeKnob() {
    return "depth";
  }

  @Override
  public List<Knob> knobs() {
    return List.of(
        Knob.ofInt("depth", 2, 0, 16, "embedded relative clauses"),
        Knob.ofReal("attractors", 0.5, 0, 1, "probability an embedded noun's number flips"));
  }

  @Override
  public void generate(Params params, SplittableRandom random, TraceBuilder out) {
    int depth = params.getInt("depth");
    double flip = params.get("attractors");
    int clauses = depth + 1;
    int[] number = new int[clauses];
    number[0] = random.nextInt(2);
    for (int k = 1; k < clauses; k++) {
      number[k] = random.nextDouble() < flip ? 1 - number[k - 1] : number[k - 1];
    }
    for (int k = 0; k < clauses; k++) {
      if (k > 0) {
        out.token(THAT);
      }
      out.token(THE);
      out.token((number[k] == 0 ? SINGULAR_NOUNS : PLURAL_NOUNS) + random.nextInt(LEXICON));
    }
    int[] targets = new int[clauses];
    int[] reduction = new int[clauses];
    int[] stackScan = new int[clauses];
    double[] position = new double[clauses];
    double[] level = new double[clauses];
    double[] attractors = new double[clauses];
    for (int a = 0; a < clauses; a++) {
      int k = depth - a; // verbs close the innermost clause first
      int pos = out.tokenCount();
      out.answer(VERBS + random.nextInt(LEXICON), number[k]);
      targets[a] = number[k];
      reduction[a] = depth - k + 1;
      stackScan[a] = pos + 1;
      position[a] = pos;
      level[a] = k;
      for (int j = k + 1; j < clauses; j++) {
        attractors[a] += number[j] != number[k] ? 1 : 0;
      }
    }
    int tokens = out.tokenCount();
    out.staticFeature("position", position);
    out.staticFeature("inputSize", Steps.constant(clauses, tokens));
    out.staticFeature("embeddingLevel", level);
    out.staticFeature("attractors", attractors);
    out.complexity("clause-reduction", reduction);
    out.complexity("stack-scan", stackScan);
    Steps.emit(
        out,
        reduction,
        targets,
        (t, features) ->
            features.put("openClauses", Steps.constant(clauses, Math.max(0, clauses - t))));
    out.featuresAtResolution("openClauses");
  }
}
