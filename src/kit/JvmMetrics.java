package kit;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.function.ToLongFunction;

/**
 * The JVM's own gauges on {@code /metrics}, read from its management beans at each scrape:
 * heap and non-heap memory, threads, and when the process started (a restart shows as a jump).
 * The names are those of Prometheus's Java client, so its usual queries and dashboards apply.
 * Every label comes from a fixed set ({@code area} is heap or nonheap).
 */
final class JvmMetrics {
    private JvmMetrics() {}

    static void register(Metrics metrics) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory(metrics, "jvm_memory_used_bytes", "Memory in use, by area.", MemoryUsage::getUsed,
                memory);
        memory(metrics, "jvm_memory_committed_bytes",
                "Memory the JVM holds from the system, by area.", MemoryUsage::getCommitted,
                memory);
        // The non-heap area has no maximum (-1): only the heap's is worth a series.
        metrics.gauge("jvm_memory_max_bytes", "The most memory the area may grow to.",
                () -> memory.getHeapMemoryUsage().getMax(), "area", "heap");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // Platform threads only: the JVM counts no virtual thread here (a request runs on one).
        metrics.gauge("jvm_threads_current", "Platform threads alive now.",
                threads::getThreadCount);
        metrics.gauge("jvm_threads_daemon", "Platform daemon threads alive now.",
                threads::getDaemonThreadCount);
        metrics.gauge("jvm_threads_peak", "The most platform threads alive at once so far.",
                threads::getPeakThreadCount);
        long started = ManagementFactory.getRuntimeMXBean().getStartTime();
        metrics.gauge("process_start_time_seconds",
                "When the process started, in seconds since the epoch.", () -> started / 1000.0);
    }

    private static void memory(Metrics metrics, String name, String help,
            ToLongFunction<MemoryUsage> value, MemoryMXBean memory) {
        metrics.gauge(name, help, () -> value.applyAsLong(memory.getHeapMemoryUsage()),
                "area", "heap");
        metrics.gauge(name, help, () -> value.applyAsLong(memory.getNonHeapMemoryUsage()),
                "area", "nonheap");
    }
}
