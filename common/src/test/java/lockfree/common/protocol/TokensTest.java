package lockfree.common.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokensTest {
    private final Tokens tokens = new Tokens("secret");
    private static final long NOW = 1_800_000_000L;

    @Test
    void aMintedTokenIsValidForItsUidUntilItExpires() {
        String t = tokens.mint(42, NOW + 60);
        assertEquals(Tokens.Verdict.VALID, tokens.verify(t, 42, NOW));
        assertEquals(Tokens.Verdict.VALID, tokens.verify(t, 42, NOW + 59));
        assertEquals(Tokens.Verdict.EXPIRED, tokens.verify(t, 42, NOW + 60));
    }

    @Test
    void aTokenIsBoundToItsUid() {
        assertEquals(Tokens.Verdict.INVALID, tokens.verify(tokens.mint(42, NOW + 60), 43, NOW));
    }

    @Test
    void anyChangeToTheTokenInvalidatesIt() {
        String t = tokens.mint(42, NOW + 60);
        String longerExpiry = t.replace("." + (NOW + 60) + ".", "." + (NOW + 6000) + ".");
        String otherUid = "43" + t.substring(2);
        char last = t.charAt(t.length() - 1);
        String flipped = t.substring(0, t.length() - 1) + (last == 'A' ? 'B' : 'A');
        for (String bad : new String[] {longerExpiry, otherUid, flipped}) {
            assertEquals(Tokens.Verdict.INVALID, tokens.verify(bad, 42, NOW), bad);
            assertEquals(Tokens.Verdict.INVALID, tokens.verify(bad, 43, NOW), bad);
        }
    }

    @Test
    void onlyTheCanonicalSpellingOfTheSignatureIsValid() {
        // 32 signature bytes are 256 bits in 43 base64 characters (258 bits): the last character
        // has two spare bits that a decoder ignores. Flipping them, or adding padding, spells the
        // same bytes differently.
        String t = tokens.mint(42, NOW + 60);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(t.charAt(t.length() - 1));
        for (int spare = 1; spare < 4; spare++) {
            String sameBytes = t.substring(0, t.length() - 1) + alphabet.charAt(last ^ spare);
            assertEquals(Tokens.Verdict.INVALID, tokens.verify(sameBytes, 42, NOW), sameBytes);
        }
        assertEquals(Tokens.Verdict.INVALID, tokens.verify(t + "=", 42, NOW), "padded");
        assertEquals(Tokens.Verdict.VALID, tokens.verify(t, 42, NOW));
    }

    @Test
    void anotherSecretsTokenIsInvalid() {
        assertEquals(Tokens.Verdict.INVALID, tokens.verify(new Tokens("other").mint(42, NOW + 60), 42, NOW));
    }

    @Test
    void malformedTokensAreInvalidNotErrors() {
        for (String bad : new String[] {null, "", "x", "42", "42.", "42.x.y", "a.b.c", "42.123.!!!", "..", "42..sig"}) {
            assertEquals(Tokens.Verdict.INVALID, tokens.verify(bad, 42, NOW), String.valueOf(bad));
        }
    }

    @Test
    void anEmptySecretIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Tokens(""));
    }
}
