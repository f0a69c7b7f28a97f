package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The audit search's query string: decoded, checked strictly, every refusal coded and naming its parameter. */
class AuditSearchParametersTest {
    @Test
    void readsEveryFilterAndThePagingParameters() {
        AuditSearchParameters p = AuditSearchParameters.parse("case=NL-2026-1&partner=DE&from=2026-11-01&to=2026-11-20&messageType=Response"
                + "&legalBasis=EU+515%2F97+art.+4&purpose=verify%20origin&outcome=rejected&eventType=message-rejected&errorCode=schema_invalid"
                + "&before=1200&limit=25");
        AuditQuery.Filter f = p.filter();
        assertThat(f).isEqualTo(new AuditQuery.Filter("NL-2026-1", "DE", Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"),
                "Response", "EU 515/97 art. 4", "verify origin", "REJECTED", "message-rejected", "schema_invalid"));
        assertThat(p.before()).isEqualTo(1200L);
        assertThat(p.limit()).isEqualTo(25);
        assertThat(p.describe()).isEqualTo("case=NL-2026-1 partner=DE from=2026-11-01 to=2026-11-20 messageType=Response"
                + " legalBasis=EU 515/97 art. 4 purpose=verify origin outcome=rejected eventType=message-rejected errorCode=schema_invalid"
                + " before=1200 limit=25");
    }

    @Test
    void nothingMeansEverythingNewestFirstInPagesOfFifty() {
        for (String q : new String[] {null, "", "partner=&case="}) {
            AuditSearchParameters p = AuditSearchParameters.parse(q);
            assertThat(p.filter()).isEqualTo(AuditQuery.Filter.ALL);
            assertThat(p.before()).isNull();
            assertThat(p.limit()).isEqualTo(50);
            assertThat(p.describe()).isEqualTo("no filter");
        }
        assertThat(AuditSearchParameters.parse("from=2026-11-20T09:15:30Z").filter().from()).isEqualTo(Instant.parse("2026-11-20T09:15:30Z"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "color=red|unknown_field|color",
        "partner=DE&partner=FR|invalid_field|partner",
        "outcome=MAYBE|invalid_field|outcome",
        "from=yesterday|invalid_field|from",
        "to=2026-13-01|invalid_field|to",
        "from=2026-11-20&to=2026-11-19|invalid_field|from",
        "limit=0|invalid_field|limit",
        "limit=501|invalid_field|limit",
        "limit=ten|invalid_field|limit",
        "before=-5|invalid_field|before",
        "case=%0Aforged|invalid_field|case",
        "case=%zz|invalid_field|case"})
    void refusesABadParameterNamingIt(String query, String code, String parameter) {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> AuditSearchParameters.parse(query));
        assertThat(e).as(query).isNotNull();
        assertThat(e.errorCode().code()).isEqualTo(code);
        assertThat(e.errorCode().httpStatus()).isEqualTo(400);
        assertThat(e.pointer()).isEqualTo(parameter);
    }

    @Test
    void aValueTooLongIsRefused() {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> AuditSearchParameters.parse("purpose=" + "x".repeat(601)));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(e.pointer()).isEqualTo("purpose");
    }
}
