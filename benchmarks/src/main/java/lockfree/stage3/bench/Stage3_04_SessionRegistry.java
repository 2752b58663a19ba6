package lockfree.stage3.bench;

import lockfree.common.bench.SessionTableBenchmark;
import lockfree.common.contract.SessionManager;
import lockfree.stage3.LockFreeSessionManager;
import lockfree.stage3.TombstoningRegistry;
import org.openjdk.jmh.annotations.Param;

/*
 * Stage 3's write path, before and after: where a lock-free map keeps what you removed.
 *
 * Keep stage 3's session registry (session id -> entry) in a JCTools NonBlockingHashMapLong, like
 * its user map, and stage 3 becomes the slowest of the four stages at re-logins, slower than the
 * read-write lock of stage 0. The reason is not the CAS: it is what that map does with a removed
 * key. An open-addressing table cannot empty a slot without breaking the probe
 * chains that run through it, so NonBlockingHashMapLong leaves the key and writes a tombstone for
 * its value; the slot is reclaimed only when the table is copied. Users come back, and a returning
 * user's key finds its old slot. Session ids never come back: every connection uses up one slot.
 * A quarter of the slots used triggers a copy, and the copy doubles the table whenever the previous
 * one was less than ten seconds ago. Under a stream of re-logins the registry is therefore copied
 * again and again, grows far past the live sessions, and never shrinks; every lookup in it lands in
 * a bigger, colder table.
 *
 *   table=naive        TombstoningRegistry.manager(): the registry is a NonBlockingHashMapLong
 *                      (the wrong way for keys that are never reused)
 *   table=registry     new LockFreeSessionManager(): the registry is SessionRegistry, chained buckets
 *                      changed by CAS, so a remove takes the entry out and leaves nothing; it is
 *                      resized by the live count, up and down (the right way)
 *
 * Both keep the same user map, the same CAS lifecycle and the same lock-free reads, so the
 * difference is the registry alone. Run with readPercent=0: every operation is a re-login (add the
 * new session, bind it, remove the one it displaced); reads do not touch the registry.
 * ChurnMemory measures the other half of the story, the memory each leaves behind after a million
 * connections. This benchmark lives in the benchmarks module, beside TombstoningRegistry, so that
 * stage 3 itself ships only the registry it uses; it keeps stage 3's package and name.
 *
 * Workload: common's SessionTableBenchmark (read its comment).
 *
 * HOW TO RUN (from the repository root):
 *
 *   ./bench.sh jmh Stage3_04 -p readPercent=0 -t 1     # then -t 2
 *
 * Results: not pasted here (they drift from the next run); the cross-stage tables are in
 * docs/BENCHMARKS.md, and README "Before and after: the session registry" says where this
 * benchmark's own numbers are rendered.
 */
public class Stage3_04_SessionRegistry extends SessionTableBenchmark {

    @Param({"naive", "registry"})
    public String table;

    @Override
    protected SessionManager newManager() {
        return switch (table) {
            case "naive" -> TombstoningRegistry.manager();
            case "registry" -> new LockFreeSessionManager();
            default -> throw new IllegalArgumentException("table=" + table + ": use naive or registry");
        };
    }
}
