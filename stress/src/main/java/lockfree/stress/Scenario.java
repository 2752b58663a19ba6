package lockfree.stress;

import java.util.Locale;

/** What the users do once they are logged in. */
public enum Scenario {
    /** Each user sends MSGS messages, each to a random other user; acks say what became of each. */
    UNICAST,
    /** A backend pushes MSGS messages through {@code POST /push {"all":true}}: every user gets every one. */
    BROADCAST,
    /** Nobody sends: the connections are held and the gateway's memory is measured. */
    IDLE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scenario parse(String s) {
        for (Scenario v : values()) {
            if (v.wire().equalsIgnoreCase(s.trim())) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + s + "' (unicast, broadcast or idle)");
    }
}
