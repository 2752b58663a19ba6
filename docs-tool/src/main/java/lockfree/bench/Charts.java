package lockfree.bench;

import lockfree.bench.JmhResults.Row;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static lockfree.bench.CompareTables.TABLES;
import static lockfree.bench.Columns.QUEUES;

/**
 * The PNG charts of docs/bench/, drawn from the compare run: throughput against threads per stage
 * and read mix, the send queue's throughput, and the metrics counters' time per increment.
 */
final class Charts {
    private final JmhResults results;

    Charts(JmhResults results) {
        this.results = results;
    }

    void write(Path out) throws IOException {
        for (String rp : results.readPercents()) {
            XYChart chart = new XYChartBuilder().width(720).height(440)
                    .title("Session table, " + rp + "% reads: throughput vs threads (2 cores)")
                    .xAxisTitle("threads").yAxisTitle("million operations / s (all threads)").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            chart.getStyler().setXAxisDecimalPattern("0");
            for (String s : TABLES) {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                List<Double> err = new ArrayList<>();
                for (int t : results.threadCounts("AllStages_01_SessionTable")) {
                    Row r = results.table(s, rp, t);
                    if (r != null) {
                        // t threads each taking `score` ns per operation: t * 1000 / score Mops/s.
                        double thr = t * 1000.0 / r.score();
                        x.add((double) t);
                        y.add(thr);
                        err.add(Double.isNaN(r.error()) ? 0 : thr * r.error() / r.score());
                    }
                }
                if (!x.isEmpty()) {
                    chart.addSeries(s, x, y, err);
                }
            }
            BitmapEncoder.saveBitmap(chart, out.resolve("session-table-r" + rp).toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        if (results.queue("stage0", "oneProducer") != null) {
            CategoryChart chart = new CategoryChartBuilder().width(720).height(440)
                    .title("Send queue: messages/us through one session's queue")
                    .xAxisTitle("producers").yAxisTitle("messages / us").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            for (String s : QUEUES) {
                if (results.queue(s, "oneProducer") == null) {
                    continue; // not in this run (an older JSON)
                }
                List<String> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                List<Double> err = new ArrayList<>();
                for (String g : new String[] {"oneProducer", "threeProducers"}) {
                    Row r = results.queue(s, g);
                    x.add(g.equals("oneProducer") ? "1" : "3");
                    y.add(r == null ? 0 : r.score());
                    err.add(r == null || Double.isNaN(r.error()) ? 0 : r.error());
                }
                chart.addSeries(s, x, y, err);
            }
            BitmapEncoder.saveBitmap(chart, out.resolve("send-queue").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        if (results.counter("synchronizedCounter", 1) != null) {
            XYChart chart = new XYChartBuilder().width(720).height(440)
                    .title("Metrics counter: time per increment vs threads (2 cores)")
                    .xAxisTitle("threads").yAxisTitle("ns per increment, per thread").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            chart.getStyler().setXAxisDecimalPattern("0");
            for (String m : new String[] {"synchronizedCounter", "atomicLong", "longAdder"}) {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (int t : results.threadCounts("Metrics_01_Counters")) {
                    Row r = results.counter(m, t);
                    if (r != null) {
                        x.add((double) t);
                        y.add(r.score());
                    }
                }
                chart.addSeries(m, x, y);
            }
            BitmapEncoder.saveBitmap(chart, out.resolve("counters").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
