package lockfree.stress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one client JVM does: connect {@code users} users (uids {@code firstUid..}) to one gateway,
 * then run the scenario, among them or (gateways joined by a router) among all the run's users.
 * The coordinator builds one per gateway and passes it on the worker's command line
 * ({@link #toArgs()}); the worker parses it back ({@link #parse}).
 *
 * @param host               the gateway's loopback address
 * @param port               the gateway's port
 * @param firstUid           uid of the first user; the others follow
 * @param users              connections to open and log in
 * @param msgs               messages per user (unicast) or pushes (broadcast)
 * @param scenario           what to do once connected
 * @param rate               open loop: sends per second for this worker (unicast: messages,
 *                           broadcast: pushes); ignored when {@code closedLoop}
 * @param closedLoop         each user waits for its previous message's ack before the next
 *                           (broadcast: each push waits for the previous push's answer)
 * @param sources            local addresses to connect from, used round-robin
 * @param threads            client event-loop threads
 * @param connectConcurrency connections being set up at once
 * @param connectTimeout     bound on the whole connect phase
 * @param duration           bound on the send phase; sending stops there (the result says so)
 * @param uidSpace           unicast recipients: 0 picks among this worker's own logged-in users
 *                           (a gateway on its own); N picks among uids 1..N, wherever they are
 *                           connected (gateways joined by the Redis router)
 * @param pusher             broadcast: this worker POSTs the pushes (with a router, one worker
 *                           pushes for everyone; on its own, each worker pushes to its gateway)
 */
record WorkerSpec(String host, int port, long firstUid, int users, int msgs, Scenario scenario, double rate,
                  boolean closedLoop, List<InetAddress> sources, int threads, int connectConcurrency,
                  Duration connectTimeout, Duration duration, long uidSpace, boolean pusher) {

    WorkerSpec {
        sources = List.copyOf(sources);
        if (users < 1 || msgs < 0 || port < 1 || firstUid < 1 || threads < 1 || connectConcurrency < 1
                || sources.isEmpty() || !(rate > 0) || uidSpace < 0 || (uidSpace > 0 && uidSpace < 2)) {
            throw new IllegalArgumentException("bad worker spec: users " + users + ", msgs " + msgs + ", port " + port
                    + ", first uid " + firstUid + ", threads " + threads + ", rate " + rate + ", sources " + sources
                    + ", uid space " + uidSpace);
        }
        if (scenario == Scenario.UNICAST && uidSpace == 0 && users < 2) {
            throw new IllegalArgumentException("unicast needs at least 2 users per gateway, got " + users);
        }
    }

    List<String> toArgs() {
        List<String> a = new ArrayList<>();
        add(a, "--host", host);
        add(a, "--port", port);
        add(a, "--first-uid", firstUid);
        add(a, "--users", users);
        add(a, "--msgs", msgs);
        add(a, "--scenario", scenario.wire());
        add(a, "--rate", rate);
        add(a, "--closed-loop", closedLoop);
        add(a, "--sources", sources.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(",")));
        add(a, "--threads", threads);
        add(a, "--connect-concurrency", connectConcurrency);
        add(a, "--connect-timeout", connectTimeout.toMillis() + "ms");
        add(a, "--duration", duration.toMillis() + "ms");
        add(a, "--uid-space", uidSpace);
        add(a, "--pusher", pusher);
        return a;
    }

    private static void add(List<String> a, String flag, Object value) {
        a.add(flag);
        a.add(String.valueOf(value));
    }

    /** The inverse of {@link #toArgs()}: flags in any order, every one required. */
    static WorkerSpec parse(List<String> args) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            if (i + 1 >= args.size() || !args.get(i).startsWith("--")) {
                throw new IllegalArgumentException("expected --flag value pairs, got " + args);
            }
            m.put(args.get(i), args.get(i + 1));
        }
        List<InetAddress> sources = new ArrayList<>();
        for (String s : need(m, "--sources").split(",")) {
            try {
                sources.add(InetAddress.getByName(s.trim()));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bad source address " + s, e);
            }
        }
        return new WorkerSpec(need(m, "--host"), Integer.parseInt(need(m, "--port")),
                Long.parseLong(need(m, "--first-uid")), Integer.parseInt(need(m, "--users")),
                Integer.parseInt(need(m, "--msgs")), Scenario.parse(need(m, "--scenario")),
                Double.parseDouble(need(m, "--rate")), Boolean.parseBoolean(need(m, "--closed-loop")), sources,
                Integer.parseInt(need(m, "--threads")), Integer.parseInt(need(m, "--connect-concurrency")),
                Durations.parse(need(m, "--connect-timeout")), Durations.parse(need(m, "--duration")),
                Long.parseLong(need(m, "--uid-space")), Boolean.parseBoolean(need(m, "--pusher")));
    }

    private static String need(java.util.Map<String, String> m, String flag) {
        String v = m.get(flag);
        if (v == null) {
            throw new IllegalArgumentException("worker needs " + flag);
        }
        return v;
    }
}
