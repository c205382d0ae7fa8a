package io.outboxconnect.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where a machine's CPU time went, by process and, in the JVMs, by thread, read from Linux's
 * {@code /proc}: a snapshot before and after a measured phase, and the difference per row. A
 * benchmark on two shared cores is bound by the sum of everyone's CPU, so the table says which part
 * of the pipeline a slower variant spends its extra time in.
 *
 * <p>Processes that exit during the phase are counted by their parent, which waits for them
 * (PostgreSQL's backends by the postmaster); threads that exit are counted in their process's total
 * and in no thread group, so a process's groups may add up to less than its total.
 */
public final class CpuAccount {

    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux
    private static final long NANOS_PER_TICK = 1_000_000_000L / TICKS_PER_SECOND;

    private final long workerPid;
    private final long registryPid;
    private final long postmasterPid;

    public CpuAccount(long workerPid, long registryPid, long postmasterPid) {
        this.workerPid = workerPid;
        this.registryPid = registryPid;
        this.postmasterPid = postmasterPid;
    }

    /** CPU nanoseconds spent so far, by group. */
    public Map<String, Long> snapshot() {
        Map<String, Long> cpu = new TreeMap<>();
        cpu.put("machine: all cores busy", machineBusy());
        cpu.put("worker JVM: total", processTicks(workerPid, false) * NANOS_PER_TICK);
        threadsOf(workerPid).forEach((name, nanos) -> cpu.merge("worker JVM: " + name, nanos, Long::sum));
        cpu.put("benchmark JVM (in-process broker, writers, reader): total", processTicks(ProcessHandle.current().pid(), false) * NANOS_PER_TICK);
        ownThreads().forEach((name, nanos) -> cpu.merge("benchmark JVM: " + name, nanos, Long::sum));
        cpu.put("registry JVM: total", processTicks(registryPid, false) * NANOS_PER_TICK);
        long postgres = processTicks(postmasterPid, true);
        long walSenders = 0;
        for (long child : children(postmasterPid)) {
            long ticks = processTicks(child, false);
            postgres += ticks;
            if (cmdline(child).contains("walsender")) {
                walSenders += ticks;
            }
        }
        cpu.put("postgres: total", postgres * NANOS_PER_TICK);
        cpu.put("postgres: walsender (logical decoding)", walSenders * NANOS_PER_TICK);
        return cpu;
    }

    /** {@code after − before}, per group, in µs per {@code rows}. */
    public static Map<String, Double> perRow(Map<String, Long> before, Map<String, Long> after, long rows) {
        Map<String, Double> perRow = new LinkedHashMap<>();
        after.forEach((group, nanos) -> perRow.put(group, (nanos - before.getOrDefault(group, 0L)) / 1_000.0 / rows));
        return perRow;
    }

    private static long machineBusy() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7}) {
                busy += Long.parseLong(f[i]);
            }
            return busy * NANOS_PER_TICK;
        }
        catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime of a process or thread ({@code stat} file), with its waited-for children's if asked. */
    private static long ticks(Path stat, boolean withChildren) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return withChildren ? ticks + Long.parseLong(f[13]) + Long.parseLong(f[14]) : ticks;
        }
        catch (IOException | RuntimeException e) {
            return 0; // gone meanwhile
        }
    }

    private static long processTicks(long pid, boolean withChildren) {
        return pid <= 0 ? 0 : ticks(Path.of("/proc", Long.toString(pid), "stat"), withChildren);
    }

    /** The process's live threads' CPU, grouped by their names (Linux keeps 15 characters) with numbers left out. */
    private static Map<String, Long> threadsOf(long pid) {
        Map<String, Long> groups = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String name = Files.readString(task.resolve("comm")).trim();
                groups.merge(group(name), ticks(task.resolve("stat"), false) * NANOS_PER_TICK, Long::sum);
            }
        }
        catch (IOException | RuntimeException e) {
            // the process is gone: no threads to report
        }
        return groups;
    }

    /** This JVM's live threads' CPU, by full thread name with numbers left out. */
    private static Map<String, Long> ownThreads() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> groups = new TreeMap<>();
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos > 0) {
                    groups.merge(group(info.getThreadName()), nanos, Long::sum);
                }
            }
        }
        return groups;
    }

    private static String group(String threadName) {
        String name = threadName.replaceAll("\\d+", "#");
        int bar = name.indexOf(" | ");
        return bar > 0 ? name.substring(0, bar) : name;
    }

    private static List<Long> children(long pid) {
        return ProcessHandle.of(pid).map(p -> p.children().map(ProcessHandle::pid).toList()).orElse(List.of());
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        }
        catch (IOException e) {
            return "";
        }
    }
}
