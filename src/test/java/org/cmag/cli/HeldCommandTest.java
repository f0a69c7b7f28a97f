package org.cmag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.cmag.config.GatewayConfig;
import org.cmag.gateway.Gateway;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.cmag.store.HeldStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code held list|show|release|reject} on a gateway's (stopped) H2 database, as an operator runs them. */
class HeldCommandTest {
    private static final String XML = "<ExchangeMessage xmlns=\"urn:cmag:exchange:1\"><Body><AssistanceRequest><Declaration>"
            + "<GoodsShipment><GovernmentAgencyGoodsItem><Commodity><Description>Frames, call +49 421 7654321</Description></Commodity>"
            + "</GovernmentAgencyGoodsItem></GoodsShipment></Declaration></AssistanceRequest></Body></ExchangeMessage>";
    private static final String POINTER = "/ExchangeMessage/Body/AssistanceRequest/Declaration/GoodsShipment/GovernmentAgencyGoodsItem"
            + "/Commodity/Description";

    @TempDir
    Path dir;

    String[] connection;
    Database db;

    record Run(int exit, String out) {}

    Run cmag(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(connection)).toArray(String[]::new);
        int exit = Cli.run(all, ps, ps);
        return new Run(exit, bytes.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void heldMessagesInTheGatewaysDatabase() {
        connection = new String[] {"--set", "gateway.id=NL", "--set", "gateway.data-dir=" + dir.resolve("NL")};
        GatewayConfig config = GatewayConfig.load(null, Map.of(), Map.of("gateway.id", "NL", "gateway.data-dir", dir.resolve("NL").toString()));
        try (Database d = new Database(Gateway.h2Absolute(config.get("gateway.db.url")), "sa", "", 2)) {
            HeldStore store = new HeldStore(d, new AuditLog(d, Clock.systemUTC()));
            for (String id : new String[] {"NL-1", "NL-2"}) {
                store.hold(HeldStore.Held.of(id, "CASE-" + id, "DE", "ASSISTANCE_REQUEST", "VERIFICATION_OF_DECLARATION",
                        "EU-REG-515-97 art. 4", "CUSTOMS_VALUE: verify", null, null, "national",
                        List.of(new HeldStore.Finding(POINTER, "Description", "phone number")), XML, Instant.parse("2026-11-20T09:00:00Z")),
                        AuditEvent.ok("held-for-release", "gateway", "DE", id, "CASE-" + id, "1 finding"));
            }
        }
    }

    @Test
    void anOfficerListsReadsReleasesAndRejectsOnTheDatabase() {
        Run list = cmag("held", "list");
        assertThat(list.exit()).as(list.out()).isZero();
        assertThat(list.out()).contains("NL-1").contains("NL-2").contains("[phone number]").contains("2 held message(s)");

        Run show = cmag("held", "show", "NL-1");
        assertThat(show.exit()).as(show.out()).isZero();
        assertThat(show.out()).contains("status       HELD").contains("phone number in " + POINTER)
                .contains("text: Frames, call +49 421 7654321");

        Run release = cmag("held", "release", "NL-1", "--by", "officer.a", "--mask");
        assertThat(release.exit()).as(release.out()).isZero();
        assertThat(release.out()).startsWith("RELEASING NL-1");
        Run again = cmag("held", "release", "NL-1", "--by", "officer.b");
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.out()).contains("error held_not_pending").contains("RELEASING").contains("officer.a");

        Run reject = cmag("held", "reject", "NL-2", "--by", "officer.b", "--reason", "not needed for the request");
        assertThat(reject.exit()).as(reject.out()).isZero();
        Run rejected = cmag("held", "list", "--status", "rejected");
        assertThat(rejected.out()).contains("NL-2").doesNotContain("NL-1").contains("1 held message(s)");
        Run releaseRejected = cmag("held", "release", "NL-2", "--by", "officer.a");
        assertThat(releaseRejected.exit()).isEqualTo(2);
        assertThat(releaseRejected.out()).contains("error held_not_pending").contains("REJECTED");
        assertThat(cmag("held", "show", "NL-2").out()).contains("reason       not needed for the request").contains("decidedBy    officer.b");
    }

    @Test
    void badUsageAndUnknownIdsExitTwoWithTheirMessage() {
        Run noReason = cmag("held", "reject", "NL-2", "--by", "officer.b");
        assertThat(noReason.exit()).isEqualTo(2);
        assertThat(noReason.out()).contains("--reason is required");
        Run noBy = cmag("held", "release", "NL-1");
        assertThat(noBy.exit()).isEqualTo(2);
        assertThat(noBy.out()).contains("--by is required");
        Run unknown = cmag("held", "show", "NOPE");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.out()).contains("error held_message_unknown");
        Run verb = cmag("held", "send", "NL-1");
        assertThat(verb.exit()).isEqualTo(2);
        assertThat(verb.out()).contains("held takes list, show, release or reject");
        assertThat(cmag("held", "--help").out()).contains("Usage").contains("held release ID --by NAME");
    }
}
