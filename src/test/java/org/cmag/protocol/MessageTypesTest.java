package org.cmag.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.cmag.cases.CaseEvent;
import org.cmag.exchange.v1.BodyType;
import org.cmag.exchange.v1.MessageTypeCode;
import org.cmag.exchange.v1.RequestAcknowledgementType;
import org.cmag.exchange.v1.WithdrawalType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Case events, header message types and Body elements correspond one to one. */
class MessageTypesTest {

    @Test
    void messageTypeCodesAreExactlyTheCaseEventsThatAreMessages() {
        List<String> messages = Arrays.stream(CaseEvent.values()).filter(CaseEvent::isMessage).map(Enum::name).toList();
        List<String> codes = Arrays.stream(MessageTypeCode.values()).map(MessageTypeCode::value).toList();
        assertThat(codes).containsExactlyElementsOf(messages);
    }

    @Test
    void transportReceiptAndWorkStartedAreNotMessages() {
        assertThat(Arrays.stream(CaseEvent.values()).filter(e -> !e.isMessage()))
                .containsExactlyInAnyOrder(CaseEvent.TRANSPORT_RECEIPT, CaseEvent.WORK_STARTED);
    }

    @ParameterizedTest
    @EnumSource(value = CaseEvent.class, names = {"TRANSPORT_RECEIPT", "WORK_STARTED"}, mode = EnumSource.Mode.EXCLUDE)
    void everyMessageEventHasItsMessageTypeAndBack(CaseEvent e) {
        assertThat(MessageTypes.event(MessageTypes.of(e))).isEqualTo(e);
    }

    @Test
    void workStartedHasNoMessageType() {
        assertThatThrownBy(() -> MessageTypes.of(CaseEvent.WORK_STARTED)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The Body element of REQUEST_ACKNOWLEDGEMENT is RequestAcknowledgement, and so on: UpperCamel without underscores. */
    @ParameterizedTest
    @EnumSource(MessageTypeCode.class)
    void bodyHasAnElementNamedAfterEachMessageType(MessageTypeCode code) throws Exception {
        String element = Arrays.stream(code.value().split("_"))
                .map(w -> w.charAt(0) + w.substring(1).toLowerCase(Locale.ROOT)).collect(Collectors.joining());
        assertThat(BodyType.class.getMethod("get" + element)).isNotNull();
    }

    @Test
    void bodyHasNoElementBeyondTheMessageTypes() {
        long properties = Arrays.stream(BodyType.class.getDeclaredMethods()).filter(m -> m.getName().startsWith("get")).count();
        assertThat(properties).isEqualTo(MessageTypeCode.values().length);
    }

    @Test
    void inBodyNamesTheElementsPresent() {
        BodyType body = new BodyType();
        assertThat(MessageTypes.inBody(body)).isEmpty();
        body.setRequestAcknowledgement(new RequestAcknowledgementType());
        assertThat(MessageTypes.inBody(body)).containsExactly(MessageTypeCode.REQUEST_ACKNOWLEDGEMENT);
        body.setWithdrawal(new WithdrawalType());
        assertThat(MessageTypes.inBody(body)).containsExactly(MessageTypeCode.REQUEST_ACKNOWLEDGEMENT, MessageTypeCode.WITHDRAWAL);
    }
}
