package org.cmag.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;
import org.cmag.identity.PartnerStatus;
import org.junit.jupiter.api.Test;

/** The partner identity bindings: ACTIVE -> OFFBOARDED -> ACTIVE again, audited, never deleted; the gateway's cached check. */
abstract class AbstractPartnerBindingsTest extends DatabaseBackedTest {
    PartnerBindings bindings() {
        return new PartnerBindings(database(), new AuditLog(database(), CLOCK));
    }

    List<String> auditTypes() {
        return new AuditLog(database(), CLOCK).all().stream().map(r -> r.event().type()).toList();
    }

    @Test
    void bindingIsCreatedOnceOffboardedOnceAndReactivatedByOnboardingAgain() {
        PartnerBindings b = bindings();
        assertThat(b.bind("DE", "partner-DE", "GZD", "EU-515-97-DE", "1", "op", NOW)).isEqualTo(PartnerBindings.Outcome.CREATED);
        assertThat(b.bind("DE", "partner-DE", "GZD", "EU-515-97-DE", "1", "op", NOW)).isEqualTo(PartnerBindings.Outcome.UNCHANGED);
        PartnerBindings.Binding active = b.find("DE").orElseThrow();
        assertThat(active.active()).isTrue();
        assertThat(active.createdAt()).isEqualTo(NOW.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(active.agreementId()).isEqualTo("EU-515-97-DE");
        assertThat(b.offboarded()).isEmpty();

        assertThat(b.offboard("DE", "op", "terminated", NOW)).isTrue();
        assertThat(b.offboard("DE", "op", "terminated", NOW)).isFalse();
        PartnerBindings.Binding off = b.find("DE").orElseThrow();
        assertThat(off.status()).isEqualTo(PartnerBindings.OFFBOARDED);
        assertThat(off.offboardedBy()).isEqualTo("op");
        assertThat(b.offboarded()).containsExactly("DE");

        assertThat(b.bind("DE", "partner-DE", "GZD", "EU-515-97-DE", "2", "op2", NOW)).isEqualTo(PartnerBindings.Outcome.REACTIVATED);
        assertThat(b.find("DE").orElseThrow().agreementVersion()).isEqualTo("2");
        assertThat(b.offboarded()).isEmpty();
        assertThat(b.list()).hasSize(1);
        assertThat(auditTypes()).containsExactly("partner-onboarded", "partner-offboarded", "partner-reonboarded");
        assertThat(new AuditLog(database(), CLOCK).verifyChain()).isEmpty();
    }

    @Test
    void offboardingOrRotatingAPartnerWithoutBindingIsRefused() {
        assertThatThrownBy(() -> bindings().offboard("FR", "op", null, NOW)).isInstanceOf(GatewayException.class)
                .extracting(e -> ((GatewayException) e).errorCode()).isEqualTo(ErrorCode.PARTNER_NOT_ONBOARDED);
        assertThatThrownBy(() -> bindings().secretRotated("FR", "op", NOW)).isInstanceOf(GatewayException.class);
        assertThat(auditTypes()).isEmpty();
    }

    @Test
    void theGatewaysCheckReadsTheDatabaseOncePerCachePeriodAndRefusesOffboardedPartners() {
        PartnerBindings b = bindings();
        b.bind("DE", "partner-DE", "GZD", "EU-515-97-DE", "1", "op", NOW);
        AtomicInteger reads = new AtomicInteger();
        PartnerStatus cached = new PartnerStatus(() -> {
            reads.incrementAndGet();
            return b.offboarded();
        }, Duration.ofHours(1));
        cached.requireActive("DE", "test");
        b.offboard("DE", "op", null, NOW);
        cached.requireActive("DE", "test"); // still the cached view
        assertThat(reads).hasValue(1);

        PartnerStatus fresh = new PartnerStatus(b::offboarded, Duration.ZERO);
        assertThatThrownBy(() -> fresh.requireActive("DE", "nothing is signed")).isInstanceOf(GatewayException.class)
                .hasMessageContaining("DE has been offboarded").extracting(e -> ((GatewayException) e).errorCode())
                .isEqualTo(ErrorCode.PARTNER_OFFBOARDED);
        fresh.requireActive("GB", "never onboarded partners are not affected");
        PartnerStatus broken = new PartnerStatus(() -> {
            throw new GatewayException(ErrorCode.STORAGE_UNAVAILABLE, "down");
        }, Duration.ZERO);
        assertThatThrownBy(() -> broken.requireActive("GB", "x")).as("fails closed").isInstanceOf(GatewayException.class);
    }
}
