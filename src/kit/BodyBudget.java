package kit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies that a service's requests may hold in memory at once, together.
 * A request takes its share before it reads (its whole declared length, or each piece of a
 * body sent in chunks) and gives it back when it is answered. Many slow uploads at once then
 * cost at most this much heap: the ones that find the budget spent are refused at once.
 */
final class BodyBudget {
    private final long capacity;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long capacity) {
        this.capacity = capacity;
    }

    /** Takes {@code bytes} if that many are left, and says whether it did. */
    boolean tryTake(long bytes) {
        while (true) {
            long now = held.get();
            if (now + bytes > capacity) return false;
            if (held.compareAndSet(now, now + bytes)) return true;
        }
    }

    void give(long bytes) {
        held.addAndGet(-bytes);
    }

    long held() {
        return held.get();
    }

    long capacity() {
        return capacity;
    }
}
