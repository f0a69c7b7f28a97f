package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.SQLException;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Backend-independent parts of {@link Database}; the transactional behaviour is in {@link AbstractMessageStoresTest}. */
class DatabaseTest {
    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"23505, true", "23000, true", "23503, true", "42P01, false", "40001, false",
        "08006, false", "null, false"})
    void classifiesUniqueViolationsBySqlState(String state, boolean unique) {
        assertThat(Database.isUniqueViolation(new SQLException("x", state))).isEqualTo(unique);
    }

    @Test
    void unreachableDatabaseIsStorageUnavailableWithoutTheQueryString() {
        GatewayException e = catchThrowableOfType(GatewayException.class,
                () -> new Database("jdbc:postgresql://127.0.0.1:1/nodb?password=s3cret-value", "postgres", "", 1).close());
        assertThat(e).isNotNull();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        assertThat(e.detail()).contains("127.0.0.1:1/nodb").doesNotContain("s3cret-value");
    }
}
