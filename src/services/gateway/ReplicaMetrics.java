package gateway;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import kit.Metrics;
import kit.Upstream;

/**
 * What the gateway sees of each replica, in its metrics: the calls it answered (by status
 * class), those that got no answer, the times it was set aside, and per upstream how many
 * replicas its name resolves to and how many are set aside now.
 *
 * <p>A replica is named by its instance, as it names itself ({@code X-Served-By} on its
 * answers, {@code instance} on its {@code /ready}), never by its address: the gateway's port
 * is public. The series stay bounded whatever replicas come and go: the first
 * {@link #MAX_NAMES} names get series of their own, later ones share {@code replica="other"},
 * and calls to a replica not named yet count as {@code replica="unnamed"}.
 */
final class ReplicaMetrics {
    /** Replica names with series of their own, over the gateway's life. */
    static final int MAX_NAMES = 64;
    /** Addresses whose name is remembered; the one seen least recently is forgotten first. */
    static final int MAX_ADDRESSES = 256;
    /** A container's host name, or another short name; anything else is not taken. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private final Metrics metrics;
    private final Map<String, String> names = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };
    private final Set<String> labelled = ConcurrentHashMap.newKeySet();

    /** Registers the gauges of each of {@code upstreams}, read at each scrape. */
    ReplicaMetrics(Metrics metrics, Collection<Upstream> upstreams) {
        this.metrics = metrics;
        for (Upstream upstream : upstreams) {
            metrics.gauge("gateway_upstream_replicas",
                    "Replicas the upstream's name resolves to now.",
                    () -> replicas(upstream).size(), "upstream", upstream.host());
            metrics.gauge("gateway_upstream_replicas_set_aside",
                    "Replicas of the upstream set aside now (skipped until their time is up).",
                    () -> replicas(upstream).stream().filter(upstream::isEjected).count(),
                    "upstream", upstream.host());
        }
    }

    /** Remembers that {@code replica} calls itself {@code instance} (ignored unless a name). */
    void named(Upstream upstream, Upstream.Replica replica, String instance) {
        if (instance == null || !NAME.matcher(instance).matches()) return;
        synchronized (names) {
            names.put(key(upstream, replica), instance);
        }
    }

    /** The name {@code replica} last gave itself, or null. */
    String name(Upstream upstream, Upstream.Replica replica) {
        synchronized (names) {
            return names.get(key(upstream, replica));
        }
    }

    /** Counts an answer of {@code replica} with {@code status}. */
    void answered(Upstream upstream, Upstream.Replica replica, int status) {
        String statusClass = status >= 100 && status <= 599 ? status / 100 + "xx" : "other";
        requests(upstream, replica, statusClass).inc();
    }

    /** Counts a call to {@code replica} that got no answer through a failure of its own. */
    void unanswered(Upstream upstream, Upstream.Replica replica) {
        requests(upstream, replica, "none").inc();
    }

    /** Counts {@code replica} being set aside. */
    void setAside(Upstream upstream, Upstream.Replica replica) {
        metrics.counter("gateway_replica_set_asides_total",
                "Times a replica was set aside after a failure of its own.",
                "upstream", upstream.host(), "replica", label(upstream, replica)).inc();
    }

    private Metrics.Counter requests(Upstream upstream, Upstream.Replica replica,
            String statusClass) {
        return metrics.counter("gateway_replica_requests_total",
                "Calls to each replica, by the class of its answer's status (none: no answer).",
                "upstream", upstream.host(), "replica", label(upstream, replica),
                "class", statusClass);
    }

    /** The replica's label: its name while there is room for one more, else a shared one. */
    private String label(Upstream upstream, Upstream.Replica replica) {
        String name = name(upstream, replica);
        if (name == null) return "unnamed";
        String key = upstream.host() + " " + name;
        if (labelled.contains(key)) return name;
        synchronized (labelled) {
            if (labelled.size() < MAX_NAMES) {
                labelled.add(key);
                return name;
            }
        }
        return "other";
    }

    private static String key(Upstream upstream, Upstream.Replica replica) {
        return upstream.host() + " " + replica;
    }

    private static List<Upstream.Replica> replicas(Upstream upstream) {
        try {
            return upstream.replicas();
        } catch (Upstream.NoReplicas e) {
            return List.of();
        }
    }
}
