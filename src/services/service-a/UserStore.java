package servicea;

import java.time.LocalDate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The users, in memory, in id order. The map is filled once and never changed, and it is
 * published through a final field: any number of request threads may read it without locks.
 */
final class UserStore {
    private final NavigableMap<Long, User> users;

    private UserStore(List<User> seed) {
        NavigableMap<Long, User> byId = new TreeMap<>();
        for (User user : seed) byId.put(user.id(), user);
        this.users = Collections.unmodifiableNavigableMap(byId);
    }

    /** The store every instance starts with: replicas agree because they share the seed. */
    static UserStore seeded() {
        return new UserStore(List.of(
                user(1, "Ada Lovelace", "2021-03-14", User.Status.ACTIVE),
                user(2, "Alan Turing", "2019-06-23", User.Status.SUSPENDED),
                user(3, "Grace Hopper", "2020-12-09", User.Status.ACTIVE),
                user(4, "Edsger Dijkstra", "2022-05-11", User.Status.ACTIVE),
                user(5, "Barbara Liskov", "2023-11-07", User.Status.SUSPENDED),
                user(6, "Leslie Lamport", "2024-02-07", User.Status.ACTIVE)));
    }

    private static User user(long id, String name, String signedUp, User.Status status) {
        return new User(id, name, LocalDate.parse(signedUp), status);
    }

    Optional<User> find(long id) {
        return Optional.ofNullable(users.get(id));
    }

    /** Every user, or only those with {@code status} when it is present, in id order. */
    List<User> list(Optional<User.Status> status) {
        return users.values().stream()
                .filter(user -> status.isEmpty() || user.status() == status.get())
                .toList();
    }
}
