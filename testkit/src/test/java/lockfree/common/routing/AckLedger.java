package lockfree.common.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lockfree.common.testkit.WsTestClient;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The books of a stream of acked sends between logged-in test clients, kept to check the promise
 * "nothing acked {@code ok} is lost": every message sent gets an ack; every message acked
 * {@code ok} arrives, once; the others were answered {@code offline} or {@code dropped}.
 *
 * <p>Each send carries a unique id, which is also its {@code data}, so an ack and an arrival
 * name the same message. The ledger reads (and so consumes) every text frame of the clients
 * given to it: acks and messages of several directions may share one client. One test thread.
 */
final class AckLedger {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<WsTestClient> clients;
    private final List<String> sent = new ArrayList<>();
    private final Map<String, String> acks = new HashMap<>();
    private final Map<String, Integer> arrivals = new HashMap<>();
    private int marked;

    /** @param clients every client that sends or receives in this stream */
    AckLedger(List<WsTestClient> clients) {
        this.clients = List.copyOf(clients);
    }

    /** Sends one message from {@code from} to user {@code to}; returns its id. */
    String send(WsTestClient from, long to) {
        String id = "m" + sent.size();
        from.send("{\"op\":\"send\",\"to\":" + to + ",\"data\":\"" + id + "\",\"id\":\"" + id + "\"}");
        sent.add(id);
        return id;
    }

    /** Reads whatever has arrived at the clients so far. */
    void collect() {
        for (WsTestClient c : clients) {
            for (String text : c.drain()) {
                JsonNode f = json(text);
                switch (f.path("op").asText()) {
                    case "ack" -> {
                        String previous = acks.put(f.get("id").asText(), f.get("status").asText());
                        if (previous != null) {
                            throw new AssertionError("two acks for " + f.get("id") + ": " + previous + ", then " + text);
                        }
                    }
                    case "msg" -> arrivals.merge(f.get("data").asText(), 1, Integer::sum);
                    default -> { } // a kick or an error would show up as a missing ack or arrival
                }
            }
        }
    }

    /** Remembers where the stream is, e.g. once a fault is over; see {@link #notOkSinceMark()}. */
    void mark() {
        marked = sent.size();
    }

    /** The messages sent since {@link #mark()} whose ack (as far as collected) is not ok, with it. */
    Map<String, String> notOkSinceMark() {
        Map<String, String> notOk = new TreeMap<>();
        for (String id : sent.subList(marked, sent.size())) {
            String status = acks.get(id);
            if (!"ok".equals(status)) {
                notOk.put(id, status);
            }
        }
        return notOk;
    }

    /** Whether the last {@code n} messages sent are all acked ok (as far as collected now). */
    boolean lastAllOk(int n) {
        collect();
        if (sent.size() < n) {
            return false;
        }
        for (String id : sent.subList(sent.size() - n, sent.size())) {
            if (!"ok".equals(acks.get(id))) {
                return false;
            }
        }
        return true;
    }

    /** How many acks so far have this status. */
    int count(String status) {
        int n = 0;
        for (String s : acks.values()) {
            if (s.equals(status)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Waits until every message sent has its ack and every one acked {@code ok} has arrived, then
     * checks the books: each ack is ok, offline or dropped; nothing arrived twice or unsent.
     */
    void assertNothingAckedOkLost(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            collect();
            List<String> unacked = new ArrayList<>();
            List<String> lost = new ArrayList<>();
            for (String id : sent) {
                String status = acks.get(id);
                if (status == null) {
                    unacked.add(id);
                } else if (status.equals("ok") && !arrivals.containsKey(id)) {
                    lost.add(id);
                }
            }
            if (unacked.isEmpty() && lost.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(lost.size() + " messages acked ok never arrived " + first(lost) + "; "
                        + unacked.size() + " never acked " + first(unacked) + "; " + summary());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        for (Map.Entry<String, String> ack : acks.entrySet()) {
            if (!Set.of("ok", "offline", "dropped").contains(ack.getValue())) {
                throw new AssertionError("ack " + ack + " is none of ok, offline, dropped");
            }
        }
        for (Map.Entry<String, Integer> arrival : arrivals.entrySet()) {
            if (arrival.getValue() != 1) {
                throw new AssertionError(arrival.getKey() + " arrived " + arrival.getValue() + " times; " + summary());
            }
            if (!acks.containsKey(arrival.getKey())) {
                throw new AssertionError(arrival.getKey() + " arrived but was never sent; " + summary());
            }
        }
    }

    /** Sent, acks by status, arrivals: for failure messages. */
    String summary() {
        Map<String, Integer> byStatus = new TreeMap<>();
        acks.values().forEach(s -> byStatus.merge(s, 1, Integer::sum));
        return sent.size() + " sent, acks " + byStatus + ", " + arrivals.size() + " arrived";
    }

    private static String first(List<String> ids) {
        return new LinkedHashSet<>(ids.subList(0, Math.min(10, ids.size()))).toString();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
