package lockfree.stress;

/**
 * What one client JVM measured, sent to the coordinator as one JSON line. Histograms travel whole
 * (compressed, base64) so the coordinator can merge them before reading percentiles.
 *
 * @param connected         users logged in
 * @param connectFailures   users that could not connect or log in
 * @param firstFailure      the first such failure, for the report; null if none
 * @param connectSeconds    wall time of the whole connect phase
 * @param connectHistogram  per-user time from connect() to login_ok, nanoseconds
 * @param counts            the success accounting
 * @param unexpectedFrames  error frames, unknown acks, failed pushes
 * @param sendSeconds       from the first due send to the last send written
 * @param activeSeconds     from the first due send to the last delivery (throughput's denominator)
 * @param stoppedEarly      sending stopped at the duration limit before every message was sent
 * @param latencyHistogram  end-to-end latency of every delivered message, nanoseconds
 */
record WorkerResult(int connected, int connectFailures, String firstFailure, double connectSeconds,
                    String connectHistogram, Counts counts, long unexpectedFrames, double sendSeconds,
                    double activeSeconds, boolean stoppedEarly, String latencyHistogram) {
}
