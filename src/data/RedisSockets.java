package data;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Opens the sockets of a Redis pool as Jedis does, but looks the server's name up within the
 * connection timeout: Jedis bounds the connect, not the name lookup before it.
 *
 * <p>That lookup can hang. The services look names up again every 2 s (kit.JdkDefaults), and
 * when Redis leaves its network, its name is unknown to Docker's DNS; a container whose
 * networks are all internal (challenge 5's products-service) gets no answer at all, and the
 * system resolver waits for 20 s. A read that met the outage before anyone had noticed it, and
 * found no open connection, would wait as long, well past the gateway's timeout.
 */
final class RedisSockets extends DefaultJedisSocketFactory {
    private final Duration timeout;
    // One lookup at a time: while a name does not answer, every new connection waits for the
    // same lookup instead of leaving one more thread behind in the resolver.
    private CompletableFuture<InetAddress> lookup;

    RedisSockets(HostAndPort server, JedisClientConfig config) {
        super(server, config);
        this.timeout = Duration.ofMillis(config.getConnectionTimeoutMillis());
    }

    @Override
    protected HostAndPort getSocketHostAndPort() {
        HostAndPort named = super.getSocketHostAndPort();
        return new HostAndPort(resolve(named.getHost()).getHostAddress(), named.getPort());
    }

    private InetAddress resolve(String host) {
        try {
            return lookupOf(host).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw failed(new UnknownHostException(
                    host + ": no answer within " + timeout.toMillis() + " ms"));
        } catch (ExecutionException e) {
            throw failed(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(e);
        }
    }

    private synchronized CompletableFuture<InetAddress> lookupOf(String host) {
        if (lookup == null || lookup.isDone()) {
            CompletableFuture<InetAddress> next = new CompletableFuture<>();
            Thread.ofVirtual().name("lookup-" + host).start(() -> {
                try {
                    next.complete(InetAddress.getByName(host));
                } catch (UnknownHostException | RuntimeException e) {
                    next.completeExceptionally(e);
                }
            });
            lookup = next;
        }
        return lookup;
    }

    private static JedisConnectionException failed(Throwable cause) {
        return new JedisConnectionException("cannot look up the Redis server", cause);
    }
}
