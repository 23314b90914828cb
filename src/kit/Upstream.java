package kit;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every replica behind one service name, for client-side load balancing. Compose and Swarm
 * (with {@code endpoint_mode: dnsrr}) answer a service name with one address per replica;
 * this class re-resolves the name (the kit caches names for 2 s), takes the replicas in turn,
 * and sets aside for a while one that just failed (a passive health check).
 *
 * <p>Calls go to the replica's address, not the name: a pooled keep-alive connection is then
 * per replica, so it cannot pin every request to the one replica it first reached.
 */
public final class Upstream {
    /** One replica: the address to connect to and a label for logs and answers. */
    public record Replica(InetAddress address, int port) {
        /** {@code http://ADDRESS:PORT} + {@code pathAndQuery}. */
        public URI uri(String pathAndQuery) {
            return URI.create("http://" + address.getHostAddress() + ":" + port + pathAndQuery);
        }

        @Override
        public String toString() {
            return address.getHostAddress() + ":" + port;
        }
    }

    /** The name resolves to no address: no replica is running. */
    public static final class NoReplicas extends Exception {
        NoReplicas(String host, String why) {
            super("no replica of " + host + " is reachable (" + why + ")", null, false, false);
        }
    }

    private final String host;
    private final int port;
    private final long ejectNanos;
    private final AtomicLong turn = new AtomicLong();
    private final Map<InetAddress, Long> ejectedUntil = new ConcurrentHashMap<>();

    /** Replicas of {@code host:port}; a failed one is skipped for {@code ejectFor}. */
    public Upstream(String host, int port, Duration ejectFor) {
        this.host = host;
        this.port = port;
        this.ejectNanos = ejectFor.toNanos();
    }

    public String host() {
        return host;
    }

    /** All current replicas, in address order. */
    public List<Replica> replicas() throws NoReplicas {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new NoReplicas(host, "the name does not resolve");
        }
        Arrays.sort(addresses, Comparator.comparing(InetAddress::getHostAddress));
        List<Replica> replicas = new ArrayList<>(addresses.length);
        for (InetAddress address : addresses) replicas.add(new Replica(address, port));
        return replicas;
    }

    /**
     * The next replica in turn, skipping those set aside. When every replica is set aside, the
     * one whose time out ends first is tried anyway: better a likely failure than none at all.
     */
    public Replica next() throws NoReplicas {
        List<Replica> all = replicas();
        long now = System.nanoTime();
        List<Replica> healthy = new ArrayList<>(all.size());
        for (Replica r : all) {
            Long until = ejectedUntil.get(r.address());
            if (until == null || until - now <= 0) healthy.add(r);
        }
        if (healthy.isEmpty()) {
            return all.stream()
                    .min(Comparator.comparingLong(r -> ejectedUntil.getOrDefault(r.address(), 0L)))
                    .orElseThrow();
        }
        return healthy.get((int) Math.floorMod(turn.getAndIncrement(), (long) healthy.size()));
    }

    /** Sets {@code replica} aside for the eject time (it refused, timed out or answered 5xx). */
    public void failed(Replica replica) {
        ejectedUntil.put(replica.address(), System.nanoTime() + ejectNanos);
    }

    /** {@code replica} answered: it takes its turn again at once. */
    public void succeeded(Replica replica) {
        ejectedUntil.remove(replica.address());
    }

    /** Whether {@code replica} is currently set aside. */
    public boolean isEjected(Replica replica) {
        Long until = ejectedUntil.get(replica.address());
        return until != null && until - System.nanoTime() > 0;
    }
}
