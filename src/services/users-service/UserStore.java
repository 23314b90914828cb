package usersservice;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import kit.Problem;

/**
 * The users of one replica, in memory. Every method is synchronized: the e-mail index and the
 * users must change together, and a lock per call is simpler to trust than a lock-free dance.
 * Each replica has its own copy, which is the point of an experiment in the README.
 */
final class UserStore {
    private final Map<Long, User> byId = new TreeMap<>();
    private final Map<String, Long> idByEmail = new HashMap<>();
    private long lastId;

    /** A replica holds at most this many users, so that writes cannot fill its heap. */
    static final int CAPACITY = 10_000;

    /** A store holding the course's three seed users, ids 1 to 3. */
    static UserStore seeded() {
        UserStore store = new UserStore();
        store.create(new User(0, "Ada Lovelace", "ada@example.org"));
        store.create(new User(0, "Alan Turing", "alan@example.org"));
        store.create(new User(0, "Grace Hopper", "grace@example.org"));
        return store;
    }

    /** Stores {@code draft} under a new id; 409 when its e-mail is taken. */
    synchronized User create(User draft) {
        requireRoom();
        requireFreeEmail(draft.email(), 0);
        User user = new User(++lastId, draft.name(), draft.email());
        byId.put(user.id(), user);
        idByEmail.put(user.email(), user.id());
        return user;
    }

    synchronized Optional<User> find(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Users in id order, from {@code offset}, at most {@code limit}. */
    synchronized List<User> page(int offset, int limit) {
        return byId.values().stream().skip(offset).limit(limit).toList();
    }

    synchronized int size() {
        return byId.size();
    }

    /** Replaces the user with {@code user.id()}; 404 when absent, 409 when the e-mail is taken. */
    synchronized User replace(User user) {
        User old = byId.get(user.id());
        if (old == null) throw Problem.notFound("no user " + user.id());
        requireFreeEmail(user.email(), user.id());
        idByEmail.remove(old.email());
        idByEmail.put(user.email(), user.id());
        byId.put(user.id(), user);
        return user;
    }

    synchronized boolean delete(long id) {
        User old = byId.remove(id);
        if (old != null) idByEmail.remove(old.email());
        return old != null;
    }

    private void requireFreeEmail(String email, long owner) {
        Long holder = idByEmail.get(email);
        if (holder != null && holder != owner) {
            throw Problem.conflict("the e-mail " + email + " belongs to user " + holder);
        }
    }

    private void requireRoom() {
        if (byId.size() >= CAPACITY) {
            throw Problem.of(507, "insufficient-storage", "Insufficient Storage",
                    "this replica holds its maximum of " + CAPACITY + " users; delete some first");
        }
    }
}
