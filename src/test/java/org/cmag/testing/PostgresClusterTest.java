package org.cmag.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class PostgresClusterTest {
    @Test
    void aClusterOfItsOwnKeepsCommittedRowsAcrossAnImmediateStopAndRefusesConnectionsWhileStopped() throws Exception {
        if (!PostgresCluster.available()) {
            System.err.println("PostgreSQL server binaries absent - PostgresClusterTest SKIPPED");
            Assumptions.abort("no PostgreSQL server binaries");
        }
        try (PostgresCluster pg = PostgresCluster.create("selftest")) {
            pg.start();
            pg.createDatabase("cmag");
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("cmag"), "postgres", "")) {
                c.createStatement().execute("CREATE TABLE t (id INT PRIMARY KEY)");
                c.createStatement().execute("INSERT INTO t VALUES (1)");
            }
            pg.stop(true);
            assertThat(pg.running()).isFalse();
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl("cmag"), "postgres", "")).isInstanceOf(java.sql.SQLException.class);
            pg.start();
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("cmag"), "postgres", "");
                    ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }
}
