package dev.anira.tasks;

import java.util.List;
import java.util.SplittableRandom;

/**
 * DFS discovery depth. Tokens: the undirected edge list, {@code SEP}, the source, {@code SEP}, then
 * one query token per node in random order, target the node's depth in the DFS tree (DFS visits
 * neighbours in ascending id). Reference: iterative DFS, one discovery a step ({@code
 * discovery-order}, primary); the tree depth + 1 is emitted too ({@code tree-depth}). State: on
 * stack, stack size, backtracks so far.
 */
final class DfsTask extends GraphTask {

  @Override
  public String name() {
    return "dfs";
  }

  @Override
  public List<Knob> knobs() {
    return List.of(
        NODES,
        Knob.ofInt("branching", 3, 1, 16, "most children a node gets in the spanning tree"),
        Knob.ofReal("extraEdges", 0.2, 0, 2, "extra random edges, as a fraction of nodes"));
  }

  @Override
  public void generate(Params params, SplittableRandom random, TraceBuilder out) {
    int n = params.getInt("nodes");
    int branching = params.getInt("branching");
    Graphs.EdgeSet edges = new Graphs.EdgeSet(n, false);
    int[] children = new int[n];
    for (int v = 1; v < n; v++) {
      int parent;
      do {
        parent = random.nextInt(v);
      } while (children[parent] >= branching);
      children[parent]++;
      edges.add(v, parent);
    }
    long extra =
        Math.min((long) n * (n - 1) / 2 - (n - 1), Math.round(params.get("extraEdges") * n));
    for (long added = 0; added < extra; ) {
      if (edges.add(random.nextInt(n), random.nextInt(n))) {
        added++;
      }
    }
    Graphs.Edges graph = edges.build(Graphs.permutation(n, random), random);
    int[][] adj = graph.adjacency(false);
    int source = random.nextInt(n);

    // Iterative DFS recording, per discovery, the stack and the backtracks before it.
    int[] order = new int[n];
    int[] depthOf = new int[n];
    int[] stack = new int[n];
    int[] next = new int[n];
    boolean[][] onStackAt = new boolean[n + 1][];
    int[] stackSizeAt = new int[n + 1];
    int[] backtracksAt = new int[n + 1];
    int discovered = 0;
    int top = 0;
    int backtracks = 0;
    boolean[] onStack = new boolean[n];
    stack[top++] = source;
    onStack[source] = true;
    order[source] = ++discovered;
    depthOf[source] = 0;
    onStackAt[1] = onStack.clone();
    stackSizeAt[1] = top;
    while (top > 0) {
      int u = stack[top - 1];
      if (next[u] < adj[u].length) {
        int v = adj[u][next[u]++];
        if (order[v] == 0) {
          order[v] = ++discovered;
          depthOf[v] = top;
          stack[top++] = v;
          onStack[v] = true;
          onStackAt[discovered] = onStack.clone();
          stackSizeAt[discovered] = top;
          backtracksAt[discovered] = backtracks;
        }
      } else {
        top--;
        onStack[u] = false;
        backtracks++;
      }
    }

    Graphs.writeEdges(graph, out);
    out.token(source);
    out.token(Graphs.SEP);
    int[] query = Graphs.permutation(n, random);
    int[] targets = new int[n];
    int[] discovery = new int[n];
    int[] treeDepth = new int[n];
    double[] position = new double[n];
    double[] degree = new double[n];
    double[] isSource = new double[n];
    for (int i = 0; i < n; i++) {
      int v = query[i];
      targets[i] = depthOf[v];
      discovery[i] = order[v];
      treeDepth[i] = depthOf[v] + 1;
      out.answer(v, depthOf[v]);
      position[i] = i;
      degree[i] = adj[v].length;
      isSource[i] = v == source ? 1 : 0;
    }
    out.staticFeature("position", position);
    out.staticFeature("inputSize", Steps.constant(n, n));
    out.staticFeature("degree", degree);
    out.staticFeature("isSource", isSource);
    out.complexity("discovery-order", discovery);
    out.complexity("tree-depth", treeDepth);
    Steps.emit(
        out,
        discovery,
        targets,
        (t, features) -> {
          double[] on = new double[n];
          for (int i = 0; i < n; i++) {
            on[i] = onStackAt[t][query[i]] ? 1 : 0;
          }
          features.put("onStack", on);
          features.put("stackSize", Steps.constant(n, stackSizeAt[t]));
          features.put("backtracks", Steps.constant(n, backtracksAt[t]));
        });
    out.featuresAtResolution("stackSize", "backtracks");
  }
}
