package lockfree.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A JMH result file read back: one {@link Row} per benchmark, parameter set and thread count, and
 * the lookups every table, target and chart of the cross-stage comparison asks it (a missing
 * result is null, rendered "-").
 */
final class JmhResults {
    /**
     * One JMH result row: which benchmark, with which threads and parameters, its score, its
     * 99.9% error and the mean of each fork's measured iterations.
     */
    record Row(String benchmark, int threads, Map<String, String> params, double score, double error, String unit,
               double[] forkMeans) {
        String param(String name) {
            return params.getOrDefault(name, "");
        }

        String method() {
            return benchmark.substring(benchmark.lastIndexOf('.') + 1);
        }

        String clazz() {
            String b = benchmark.substring(0, benchmark.lastIndexOf('.'));
            return b.substring(b.lastIndexOf('.') + 1);
        }

        /** Resolved: an interval (one sample has none) narrower than the score itself. */
        boolean resolved() {
            return !Double.isNaN(error) && error < score;
        }

        double forkMin() {
            return Arrays.stream(forkMeans).min().orElse(score);
        }

        double forkMax() {
            return Arrays.stream(forkMeans).max().orElse(score);
        }
    }

    private final List<Row> rows;

    JmhResults(List<Row> rows) {
        this.rows = rows;
    }

    List<Row> rows() {
        return rows;
    }

    static JmhResults read(Path json) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (JsonNode n : new ObjectMapper().readTree(json.toFile())) {
            Map<String, String> params = new LinkedHashMap<>();
            n.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            JsonNode m = n.get("primaryMetric");
            double error = m.path("scoreError").asDouble(Double.NaN); // "NaN" with one sample
            List<Double> forkMeans = new ArrayList<>();
            for (JsonNode fork : m.path("rawData")) {
                double sum = 0;
                for (JsonNode it : fork) {
                    sum += it.asDouble();
                }
                if (fork.size() > 0) {
                    forkMeans.add(sum / fork.size());
                }
            }
            rows.add(new Row(n.get("benchmark").asText(), n.get("threads").asInt(), params,
                    m.get("score").asDouble(), error, m.get("scoreUnit").asText(),
                    forkMeans.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return new JmhResults(rows);
    }

    // ---- lookups -----------------------------------------------------------------------------

    Row find(Predicate<Row> p) {
        return rows.stream().filter(p).findFirst().orElse(null);
    }

    Row table(String stage, String readPercent, int threads) {
        return find(r -> r.clazz().equals("AllStages_01_SessionTable") && r.param("stage").equals(stage)
                && r.param("readPercent").equals(readPercent) && r.threads() == threads);
    }

    Row queue(String stage, String group) {
        return find(r -> r.clazz().equals("AllStages_02_SendQueue") && r.param("stage").equals(stage)
                && r.method().equals(group));
    }

    Row counter(String method, int threads) {
        return find(r -> r.clazz().equals("Metrics_01_Counters") && r.method().equals(method) && r.threads() == threads);
    }

    TreeSet<Integer> threadCounts(String clazz) {
        TreeSet<Integer> t = new TreeSet<>();
        rows.stream().filter(r -> r.clazz().equals(clazz)).forEach(r -> t.add(r.threads()));
        return t;
    }

    List<String> readPercents() {
        return rows.stream().filter(r -> r.clazz().equals("AllStages_01_SessionTable"))
                .map(r -> r.param("readPercent")).distinct()
                .sorted((a, b) -> Integer.parseInt(b) - Integer.parseInt(a)).toList();
    }
}
