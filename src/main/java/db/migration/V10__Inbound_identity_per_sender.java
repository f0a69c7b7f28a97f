package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Inbound messages are identified per sender (issue 13, dedupe on verified identity): a message id is the sender's, so
 * one partner's id never blocks another's, and the door keeps one receipt per content received under an id, so junk sent
 * first under a genuine id never blocks the genuine message (verification decides which one is claimed).
 * <ul>
 * <li>{@code inbound_receipt}: primary key (partner_id, message_id, received_digest), was message_id;</li>
 * <li>{@code inbound_message}: primary key (partner_id, message_id), was message_id;</li>
 * <li>{@code received_data}: primary key (partner_id, message_id, seq), was (message_id, seq);</li>
 * <li>{@code evidence_item}: unique (partner_id, message_id, kind, direction), was (message_id, kind, direction).</li>
 * </ul>
 * A Java migration because the names of the constraints to drop differ between H2 and PostgreSQL.
 */
public class V10__Inbound_identity_per_sender extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        try (Statement s = c.createStatement()) {
            for (String[] t : new String[][] {{"inbound_receipt", "partner_id, message_id, received_digest"},
                {"inbound_message", "partner_id, message_id"}, {"received_data", "partner_id, message_id, seq"}}) {
                s.execute(postgres ? "ALTER TABLE " + t[0] + " DROP CONSTRAINT " + t[0] + "_pkey" : "ALTER TABLE " + t[0] + " DROP PRIMARY KEY");
                s.execute("ALTER TABLE " + t[0] + " ADD PRIMARY KEY (" + t[1] + ")");
            }
            for (String name : uniqueConstraints(c, postgres, "evidence_item")) {
                s.execute("ALTER TABLE evidence_item DROP CONSTRAINT " + name);
            }
            s.execute("ALTER TABLE evidence_item ADD CONSTRAINT evidence_item_per_sender UNIQUE (partner_id, message_id, kind, direction)");
            s.execute("CREATE INDEX inbound_receipt_message ON inbound_receipt (message_id)");
            s.execute("CREATE INDEX inbound_message_message ON inbound_message (message_id)");
        }
    }

    /** The unique constraints of {@code table} in the current schema. */
    private static List<String> uniqueConstraints(Connection c, boolean postgres, String table) throws SQLException {
        String sql = postgres
                ? "SELECT constraint_name FROM information_schema.table_constraints WHERE table_schema = current_schema()"
                        + " AND table_name = ? AND constraint_type = 'UNIQUE'"
                : "SELECT CONSTRAINT_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = SCHEMA()"
                        + " AND TABLE_NAME = ? AND CONSTRAINT_TYPE = 'UNIQUE'";
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, postgres ? table : table.toUpperCase(java.util.Locale.ROOT));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add('"' + rs.getString(1) + '"');
                }
            }
        }
        return out;
    }
}
