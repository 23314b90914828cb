package kit;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes log lines to standard output from one thread of its own. A request's thread only
 * queues its line and moves on: were every request to write its access-log line itself, under
 * saturation finished requests would queue for the one lock on standard output, each holding
 * its buffers, while HttpServer kept starting new ones on the freed connections, until the
 * heap filled. One writer also batches: one system
 * call for many lines. When the queue is full the line is dropped and counted rather than
 * make a request wait, and the next line written says how many were lost.
 */
final class LogWriter {
    /** Lines queued at most: seconds of logging at full load. */
    static final int CAPACITY = 10_000;
    /** Characters queued at most, whatever the lines' lengths. */
    static final long CAPACITY_CHARS = 2 << 20;
    /**
     * After a write, the writer lets lines gather this long before it looks again. While it
     * sleeps, queuing a line wakes nobody: under load one wake-up per batch, not per request
     * (one thread switch less per request). A line that finds the writer idle is written at
     * once; others within 5 ms.
     */
    static final long GATHER_MILLIS = 5;
    /** At most this much is written at once (then the writer looks again without a pause). */
    static final int BATCH_BYTES = 64 * 1024;

    private static final BlockingQueue<String> QUEUE = new ArrayBlockingQueue<>(CAPACITY);
    private static final AtomicLong QUEUED = new AtomicLong();
    private static final AtomicLong WRITTEN = new AtomicLong();
    private static final AtomicLong DROPPED = new AtomicLong();
    private static final AtomicLong QUEUED_CHARS = new AtomicLong();

    static {
        Thread.ofPlatform().daemon().name("log-writer").start(LogWriter::drain);
    }

    private LogWriter() {}

    /** Queues one line (without its line end); drops it if the queue is full. */
    static void write(String line) {
        if (QUEUED_CHARS.addAndGet(line.length()) <= CAPACITY_CHARS && QUEUE.offer(line)) {
            QUEUED.incrementAndGet();
            return;
        }
        QUEUED_CHARS.addAndGet(-line.length());
        DROPPED.incrementAndGet();
    }

    /** Lines lost to a full queue since the start. */
    static long dropped() {
        return DROPPED.get();
    }

    /** Waits until every queued line is written, at most {@code millis} (at exit). */
    static void flush(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (WRITTEN.get() < QUEUED.get() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static void drain() {
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        long reportedDrops = 0;
        StringBuilder batch = new StringBuilder(16 * 1024);
        while (true) {
            try {
                String first = QUEUE.take();
                batch.append(first).append('\n');
                long lines = 1;
                long chars = first.length();
                for (String line; batch.length() < BATCH_BYTES && (line = QUEUE.poll()) != null; ) {
                    batch.append(line).append('\n');
                    lines++;
                    chars += line.length();
                }
                QUEUED_CHARS.addAndGet(-chars);
                long drops = DROPPED.get();
                if (drops > reportedDrops) {
                    batch.append("{\"level\":\"warn\",\"msg\":\"log lines dropped\",\"total\":")
                            .append(drops).append("}\n");
                    reportedDrops = drops;
                }
                out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
                WRITTEN.addAndGet(lines);
                if (batch.length() < BATCH_BYTES) Thread.sleep(GATHER_MILLIS); // else more lines wait
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                // Standard output is gone (a closed pipe): nobody is left to read the lines.
                QUEUE.clear();
                QUEUED_CHARS.set(0);
                WRITTEN.set(QUEUED.get());
            } finally {
                batch.setLength(0);
            }
        }
    }
}
