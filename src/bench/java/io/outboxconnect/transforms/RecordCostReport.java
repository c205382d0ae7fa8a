package io.outboxconnect.transforms;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import io.outboxconnect.bench.CpuTimeProfiler;
import io.outboxconnect.bench.Machine;
import io.outboxconnect.sandbox.SchemaRegistry;

/**
 * Runs {@link RecordCostBenchmark} (with {@code -prof gc} unless other profilers are asked for)
 * against one Apicurio Registry started here (or the one at {@code -Dbench.registry.url})
 * and prints per payload size each variant's ns and bytes allocated per input row, its ratio to
 * the stock floor, and the two targets; writes the table to {@code target/bench/record-cost.md} and
 * JMH's own results to {@code record-cost.json}. Arguments are JMH's ({@code -f 1 -wi 1 -i 2 ...}).
 */
public final class RecordCostReport {

    private static final String FLOOR = "a_stockEventRouterString";
    private static final String STOCK_AVRO = "b_stockEventRouterApicurioAvro";
    private static final String OURS_EVENT = "c_avroEventRouterEvent";
    private static final String OURS_BOTH = "d_outboxConnectorEventAndState";

    private RecordCostReport() {
    }

    public static void main(String[] args) throws Exception {
        String[] jmhArgs = Arrays.stream(args).flatMap(a -> Arrays.stream(a.trim().split("\\s+"))).filter(a -> !a.isEmpty()).toArray(String[]::new);
        CommandLineOptions cli = new CommandLineOptions(jmhArgs);
        Path dir = Files.createDirectories(Path.of(System.getProperty("bench.report.dir", "target/bench")));
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli)
                .resultFormat(ResultFormatType.JSON).result(dir.resolve("record-cost.json").toString());
        if (cli.getIncludes().isEmpty()) {
            options.include(RecordCostBenchmark.class.getSimpleName());
        }
        if (cli.getProfilers().isEmpty()) {
            options.addProfiler(GCProfiler.class).addProfiler(CpuTimeProfiler.class);
        }
        // one registry for every fork, started before them: an Apicurio warming up in a fork would share its cores
        String registryUrl = System.getProperty("bench.registry.url");
        SchemaRegistry registry = registryUrl == null ? SchemaRegistry.start() : null;
        Collection<RunResult> results;
        try {
            options.jvmArgsAppend("-Dbench.registry.url=" + (registry == null ? registryUrl : registry.baseUrl()));
            results = new Runner(options.build()).run();
        }
        finally {
            if (registry != null) {
                registry.close();
            }
        }
        String report = report(results, String.join(" ", jmhArgs));
        System.out.println();
        System.out.println(report);
        Files.writeString(dir.resolve("record-cost.md"), report);
        System.out.println("written to " + dir.resolve("record-cost.md"));
    }

    private record Row(double ns, double nsError, double cpu, double cpuError, double bytes, double bytesError) {
    }

    private static Result<?> secondary(RunResult result, String name) {
        return result.getSecondaryResults().entrySet().stream().filter(e -> e.getKey().endsWith(name)).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    static String report(Collection<RunResult> results, String jmhArgs) {
        Map<Integer, Map<String, Row>> bySize = new TreeMap<>();
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            String variant = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            int size = Integer.parseInt(result.getParams().getParam("payloadBytes"));
            Result<?> time = result.getPrimaryResult();
            Result<?> alloc = secondary(result, "gc.alloc.rate.norm");
            Result<?> cpu = secondary(result, "cpu.time.norm");
            bySize.computeIfAbsent(size, s -> new TreeMap<>()).put(variant, new Row(time.getScore(), time.getScoreError(),
                    cpu == null ? Double.NaN : cpu.getScore(), cpu == null ? Double.NaN : cpu.getScoreError(),
                    alloc == null ? Double.NaN : alloc.getScore(), alloc == null ? Double.NaN : alloc.getScoreError()));
        }
        StringBuilder out = new StringBuilder();
        out.append("Per-record cost, per input row (JMH avgt, 99.9% error; ").append(Machine.describe()).append(")\n");
        out.append("JMH arguments: ").append(jmhArgs.isEmpty() ? "(defaults: -f 2 -wi 3 -w 2s -i 5 -r 2s -prof gc -prof CpuTimeProfiler)" : jmhArgs).append("\n\n");
        out.append("| payload | variant | ns/row (wall) | × (a) | CPU ns/row | × (a) | B allocated/row |\n|---|---|---|---|---|---|---|\n");
        for (Map.Entry<Integer, Map<String, Row>> size : bySize.entrySet()) {
            Row floor = size.getValue().get(FLOOR);
            for (Map.Entry<String, Row> variant : size.getValue().entrySet()) {
                Row row = variant.getValue();
                out.append(String.format(Locale.ROOT, "| ~%d B | %s | %,.0f ± %,.0f | %s | %,.0f ± %,.0f | %s | %,.0f ± %,.0f |%n", size.getKey(),
                        variant.getKey(), row.ns, row.nsError, floor == null ? "" : String.format(Locale.ROOT, "%.2f", row.ns / floor.ns),
                        row.cpu, row.cpuError, floor == null ? "" : String.format(Locale.ROOT, "%.2f", row.cpu / floor.cpu), row.bytes, row.bytesError));
            }
        }
        out.append("\nTargets:\n");
        for (Map.Entry<Integer, Map<String, Row>> size : bySize.entrySet()) {
            Map<String, Row> rows = size.getValue();
            if (rows.containsKey(FLOOR) && rows.containsKey(OURS_BOTH)) {
                double wall = rows.get(OURS_BOTH).ns / rows.get(FLOOR).ns;
                double cpu = rows.get(OURS_BOTH).cpu / rows.get(FLOOR).cpu;
                out.append(String.format(Locale.ROOT, "- ~%d B: (d) / (a) = %.2f wall, %.2f CPU (target ≤ 1.5): %s%n", size.getKey(), wall, cpu,
                        cpu <= 1.5 ? "met" : "MISSED"));
            }
            if (rows.containsKey(STOCK_AVRO) && rows.containsKey(OURS_EVENT)) {
                double wall = rows.get(STOCK_AVRO).ns / rows.get(OURS_EVENT).ns;
                double cpu = rows.get(STOCK_AVRO).cpu / rows.get(OURS_EVENT).cpu;
                out.append(String.format(Locale.ROOT, "- ~%d B: (b) / (c) = %.2f wall, %.2f CPU (target ≥ 2): %s%n", size.getKey(), wall, cpu,
                        cpu >= 2 ? "met" : "MISSED"));
            }
        }
        return out.toString();
    }
}
