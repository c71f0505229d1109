package dev.anira.tasks;

import dev.anira.schemas.ProblemInstance;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Independent solvers: each reads only the tokens, as the model would, and answers every answer
 * position in the most obvious way, sharing no code with the generators.
 */
final class BruteForce {

  private BruteForce() {}

  static int[] solve(ProblemInstance instance) {
    int[] tokens = instance.getTokens().stream().mapToInt(Integer::intValue).toArray();
    int[] all =
        switch (instance.getTask()) {
          case "parity" -> parity(tokens);
          case "addition" -> addition(tokens);
          case "dyck" -> dyck(tokens);
          case "bfs" -> graphQueries(tokens, Mode.BFS);
          case "kahn" -> graphQueries(tokens, Mode.KAHN);
          case "dfs" -> graphQueries(tokens, Mode.DFS);
          case "pcfg" -> pcfg(tokens);
          default -> throw new AssertionError(instance.getTask());
        };
    return instance.getAnswerPositions().stream().mapToInt(p -> all[p]).toArray();
  }

  private static int[] parity(int[] tokens) {
    int[] out = new int[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      int ones = 0;
      for (int j = 0; j <= i; j++) {
        ones += tokens[j];
      }
      out[i] = ones % 2;
    }
    return out;
  }

  private static int[] addition(int[] tokens) {
    int n = (tokens.length - 1) / 2;
    StringBuilder a = new StringBuilder();
    StringBuilder b = new StringBuilder();
    for (int i = n - 1; i >= 0; i--) {
      a.append(tokens[2 * i]);
      b.append(tokens[2 * i + 1]);
    }
    String sum = new BigInteger(a.toString()).add(new BigInteger(b.toString())).toString();
    int[] out = new int[tokens.length];
    for (int i = 0; i <= n; i++) {
      int fromRight = sum.length() - 1 - i;
      int digit = fromRight >= 0 ? sum.charAt(fromRight) - '0' : 0;
      out[i == n ? tokens.length - 1 : 2 * i + 1] = digit;
    }
    return out;
  }

  private static int[] dyck(int[] tokens) {
    int[] out = new int[tokens.length];
    int depth = 0;
    for (int i = 0; i < tokens.length; i++) {
      depth += (tokens[i] - DyckTask.FIRST_BRACKET) % 2 == 0 ? 1 : -1;
      out[i] = depth;
    }
    return out;
  }

  private enum Mode {
    BFS,
    KAHN,
    DFS
  }

  private static int[] graphQueries(int[] tokens, Mode mode) {
    int sep = 0;
    while (tokens[sep] != Graphs.SEP) {
      sep++;
    }
    int queriesFrom = mode == Mode.KAHN ? sep + 1 : sep + 3;
    int n = tokens.length - queriesFrom;
    List<int[]> edges = new ArrayList<>();
    for (int i = 0; i < sep; i += 2) {
      edges.add(new int[] {tokens[i], tokens[i + 1]});
    }
    int[] value = new int[n];
    if (mode == Mode.BFS) {
      // Bellman-Ford on unit weights.
      Arrays.fill(value, Integer.MAX_VALUE / 2);
      value[tokens[sep + 1]] = 0;
      for (int round = 0; round < n; round++) {
        for (int[] e : edges) {
          value[e[1]] = Math.min(value[e[1]], value[e[0]] + 1);
          value[e[0]] = Math.min(value[e[0]], value[e[1]] + 1);
        }
      }
    } else if (mode == Mode.KAHN) {
      // Longest path by repeated relaxation.
      for (int round = 0; round < n; round++) {
        for (int[] e : edges) {
          value[e[1]] = Math.max(value[e[1]], value[e[0]] + 1);
        }
      }
    } else {
      List<List<Integer>> adj = new ArrayList<>();
      for (int v = 0; v < n; v++) {
        adj.add(new ArrayList<>());
      }
      for (int[] e : edges) {
        adj.get(e[0]).add(e[1]);
        adj.get(e[1]).add(e[0]);
      }
      adj.forEach(list -> list.sort(null));
      Arrays.fill(value, -1);
      dfs(tokens[sep + 1], 0, adj, value);
    }
    int[] out = new int[tokens.length];
    for (int i = queriesFrom; i < tokens.length; i++) {
      out[i] = value[tokens[i]];
    }
    return out;
  }

  private static void dfs(int u, int depth, List<List<Integer>> adj, int[] depthOf) {
    depthOf[u] = depth;
    for (int v : adj.get(u)) {
      if (depthOf[v] < 0) {
        dfs(v, depth + 1, adj, depthOf);
      }
    }
  }

  private static int[] pcfg(int[] tokens) {
    int[] out = new int[tokens.length];
    Deque<Integer> subjects = new ArrayDeque<>();
    for (int i = 0; i < tokens.length; i++) {
      int t = tokens[i];
      if (t >= PcfgTask.SINGULAR_NOUNS && t < PcfgTask.VERBS) {
        subjects.push(t < PcfgTask.PLURAL_NOUNS ? 0 : 1);
      } else if (t >= PcfgTask.VERBS) {
        out[i] = subjects.pop();
      }
    }
    return out;
  }
}
