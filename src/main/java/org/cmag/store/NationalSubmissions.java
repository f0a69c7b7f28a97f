package org.cmag.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * National submissions made with an {@code Idempotency-Key}: the key, the SHA-256 of the body and the answer given,
 * recorded in the transaction that records the message (or holds it). A repeat with the same key and body gets the
 * original answer; the same key with another body is a conflict.
 */
public final class NationalSubmissions {
    /** A recorded submission. */
    public record Submission(String key, String bodyDigest, String messageId, String answer) {}

    private final Database database;

    public NationalSubmissions(Database database) {
        this.database = database;
    }

    public Optional<Submission> find(String key) {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT idempotency_key, body_digest, message_id, answer FROM national_submission WHERE idempotency_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Submission(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                            : Optional.<Submission>empty();
                }
            }
        });
    }

    /** Records a submission inside the caller's transaction; a unique violation means another one took the key first. */
    public static void insert(Connection c, Submission s, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO national_submission (idempotency_key, body_digest, message_id,"
                + " answer, created_at) VALUES (?,?,?,?,?)")) {
            ps.setString(1, s.key());
            ps.setString(2, s.bodyDigest());
            ps.setString(3, s.messageId());
            ps.setString(4, s.answer());
            ps.setTimestamp(5, Timestamp.from(at));
            ps.executeUpdate();
        }
    }
}
