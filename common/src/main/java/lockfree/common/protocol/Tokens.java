package lockfree.common.protocol;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Login tokens: {@code <uid>.<expiry epoch seconds>.<base64url HMAC-SHA256 of "uid.expiry">}.
 *
 * <p>A backend that shares the gateway's secret mints a token for a user; the gateway checks the
 * signature in constant time ({@link MessageDigest#isEqual}), so a client cannot learn a valid
 * signature byte by byte from response timing. The uid inside the token must match the login's uid.
 */
public final class Tokens {
    private static final String HMAC = "HmacSHA256";

    /** What a token check found. */
    public enum Verdict { VALID, INVALID, EXPIRED }

    private final SecretKeySpec key;

    public Tokens(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a token secret must not be empty");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC);
    }

    /** A token for {@code uid} that expires at {@code expiresAtEpochSecond}. */
    public String mint(long uid, long expiresAtEpochSecond) {
        String payload = uid + "." + expiresAtEpochSecond;
        return payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sign(payload));
    }

    /** Checks that {@code token} is well formed, signed with our secret, for {@code uid}, and unexpired. */
    public Verdict verify(String token, long uid, long nowEpochSecond) {
        if (token == null) {
            return Verdict.INVALID;
        }
        int dot2 = token.lastIndexOf('.');
        int dot1 = dot2 > 0 ? token.lastIndexOf('.', dot2 - 1) : -1;
        if (dot1 <= 0) {
            return Verdict.INVALID;
        }
        String payload = token.substring(0, dot2);
        byte[] given;
        long tokenUid;
        long expiry;
        String signature = token.substring(dot2 + 1);
        try {
            given = Base64.getUrlDecoder().decode(signature);
            tokenUid = Long.parseLong(token.substring(0, dot1));
            expiry = Long.parseLong(token.substring(dot1 + 1, dot2));
        } catch (IllegalArgumentException e) { // also NumberFormatException
            return Verdict.INVALID;
        }
        // One spelling per signature, the one mint() writes: base64 leaves a few bits of the last
        // character unused, and a decoder ignores them, so "same bytes" is not "same token".
        // Comparing with our own encoding of the decoded bytes rejects padding and flipped spare
        // bits; it tells nothing about the secret, since the comparison involves no signature of ours.
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(given).equals(signature)) {
            return Verdict.INVALID;
        }
        // Signature first, in constant time: an attacker must not learn anything from an
        // expired or mismatched-uid token that it could not forge.
        if (!MessageDigest.isEqual(given, sign(payload)) || tokenUid != uid) {
            return Verdict.INVALID;
        }
        return nowEpochSecond < expiry ? Verdict.VALID : Verdict.EXPIRED;
    }

    private byte[] sign(String payload) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }
}
