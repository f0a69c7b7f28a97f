package org.cmag.error;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import javax.xml.namespace.QName;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.interceptor.Fault;
import org.cmag.audit.RefusalAudit;
import org.cmag.messaging.GatewayHeaders;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditSubject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The one place where failures become answers: HTTP {@code application/problem+json} or a SOAP fault, each
 * with the stable error code and the pointer of the bad field, plus an audit record. Never a stack trace
 * to a client: unexpected failures are logged here with an incident id that the answer carries. The audit record is
 * written before the answer: in the chain, or, while the database is down, in the audit spool that the chain takes
 * once it is back ({@link RefusalAudit}). Answers that ask the caller to come back later carry {@code Retry-After}.
 */
public final class FaultMapper {
    private static final Logger LOG = LoggerFactory.getLogger(FaultMapper.class);
    public static final String ERROR_NS = "urn:cmag:error:1";

    private final RefusalAudit audit;

    public FaultMapper(RefusalAudit audit) {
        this.audit = audit;
    }

    /** Turns the caught exception into a problem+json response and audits it. */
    public void toProblem(Exchange exchange) {
        GatewayException e = classify(exchange);
        auditRejection(exchange, e);
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, e.errorCode().httpStatus());
        m.setHeader(Exchange.CONTENT_TYPE, "application/problem+json");
        if (e.errorCode().retryAfterSeconds() > 0) {
            m.setHeader("Retry-After", String.valueOf(e.errorCode().retryAfterSeconds()));
        }
        m.setBody(problemJson(e));
    }

    /** The {@code application/problem+json} body of a refusal: type, title, status, code, side, detail, pointer. */
    public static byte[] problemJson(GatewayException e) {
        StringBuilder json = new StringBuilder(256).append('{');
        field(json, "type", "urn:cmag:error:" + e.errorCode().code()).append(',');
        field(json, "title", e.errorCode().title()).append(',');
        json.append("\"status\":").append(e.errorCode().httpStatus()).append(',');
        field(json, "code", e.errorCode().code()).append(',');
        field(json, "side", e.errorCode().side().name().toLowerCase(java.util.Locale.ROOT)).append(',');
        field(json, "detail", e.detail());
        if (e.pointer() != null) {
            json.append(',');
            field(json, "pointer", e.pointer());
        }
        json.append('}');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Turns the caught exception into a SOAP fault (thrown, so CXF answers with it) and audits it. */
    public void toSoapFault(Exchange exchange) {
        GatewayException e = classify(exchange);
        auditRejection(exchange, e);
        QName faultCode = e.errorCode().side() == FaultSide.SERVER ? Fault.FAULT_CODE_SERVER : Fault.FAULT_CODE_CLIENT;
        SoapFault fault = new SoapFault(e.errorCode().code() + ": " + e.detail(), faultCode);
        if (accessDenied(e.errorCode())) {
            // refused before anything was read: HTTP 401/403 like the REST channel, so a client knows to renew its token
            fault.setStatusCode(e.errorCode().httpStatus());
        }
        try {
            Document doc = javax.xml.parsers.DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder().newDocument();
            Element detail = doc.createElementNS(ERROR_NS, "err:Error");
            Element code = doc.createElementNS(ERROR_NS, "err:Code");
            code.setTextContent(e.errorCode().code());
            detail.appendChild(code);
            if (e.pointer() != null) {
                Element pointer = doc.createElementNS(ERROR_NS, "err:Pointer");
                pointer.setTextContent(e.pointer());
                detail.appendChild(pointer);
            }
            Element wrapper = doc.createElement("detail");
            wrapper.appendChild(detail);
            fault.setDetail(wrapper);
        } catch (javax.xml.parsers.ParserConfigurationException ignored) {
            // the fault string still carries the code
        }
        throw fault;
    }

    private GatewayException classify(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (t == null) {
            t = exchange.getException();
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof GatewayException g) {
                return g;
            }
        }
        if (RefusalAudit.databaseFailure(t)) {
            // a database connection failed under a step that did not wrap it: still the coded, retryable answer
            return new GatewayException(ErrorCode.STORAGE_UNAVAILABLE, "The database is not available; nothing was processed", null, t);
        }
        String incident = UUID.randomUUID().toString();
        LOG.error("Unexpected failure, incident {}", incident, t);
        return new GatewayException(ErrorCode.INTERNAL, "Internal error; incident " + incident, null, t);
    }

    /** The codes of refused access: no or a bad token, a missing role, a partner acting as another. */
    static boolean accessDenied(ErrorCode code) {
        return code.code().startsWith("token_") || code == ErrorCode.ROLE_MISSING || code == ErrorCode.PARTNER_MISMATCH
                || code == ErrorCode.IDENTITY_UNAVAILABLE;
    }

    /** Who was refused where: the verified caller, else the client id the token claims (marked unverified), never the token. */
    private void auditAccessDenied(Exchange exchange, GatewayException e) {
        Message m = exchange.getMessage();
        org.cmag.identity.Principal caller = exchange.getProperty(GatewayHeaders.CALLER, org.cmag.identity.Principal.class);
        String actor;
        if (caller != null) {
            actor = caller.name();
        } else {
            String claimed = org.cmag.identity.TokenValidator.claimedClient(m.getHeader("Authorization", String.class));
            actor = claimed == null ? "anonymous" : "unverified:" + claimed;
        }
        String method = m.getHeader(Exchange.HTTP_METHOD, String.class);
        String path = m.getHeader(Exchange.HTTP_PATH, String.class);
        if (path == null) {
            path = m.getHeader(Exchange.HTTP_URI, String.class);
        }
        String endpoint = (method == null ? "" : method + " ") + (path == null ? "" : path + " ") + "(" + exchange.getFromRouteId() + ")";
        AuditSubject subject = subject(exchange);
        String partner = caller != null && caller.partnerId() != null ? caller.partnerId() : subject.partnerId();
        try {
            audit.record(AuditEvent.rejected("access-denied", actor, partner, subject.messageId(), null,
                    e.errorCode().code(), endpoint + ": " + e.detail()), e.getCause());
        } catch (RuntimeException auditFailure) {
            LOG.error("Could not audit refused access {} ({})", e.errorCode().code(), endpoint, auditFailure);
        }
    }

    private void auditRejection(Exchange exchange, GatewayException e) {
        if (accessDenied(e.errorCode())) {
            auditAccessDenied(exchange, e);
            return;
        }
        AuditSubject subject = subject(exchange);
        String partner = subject.partnerId();
        String route = exchange.getFromRouteId();
        boolean national = route != null && route.startsWith("outbound");
        boolean held = route != null && route.startsWith("admin-held");
        boolean auditRead = route != null && route.startsWith("admin-audit");
        boolean deadLetters = route != null && route.startsWith("admin-dead-letters");
        String type = auditRead ? "audit-access-refused" : held ? "held-action-refused" : deadLetters ? "dead-letter-action-refused"
                : national ? "submission-rejected" : "message-rejected";
        String detail = e.pointer() == null ? e.detail() : e.detail() + " [at " + e.pointer() + "]";
        String actor = held || auditRead || deadLetters ? officer(exchange) : national ? "national" : partner == null ? "unknown" : partner;
        try {
            audit.record(AuditEvent.rejected(type, actor, partner, subject.messageId(), subject.caseId(), e.errorCode().code(), detail)
                    .withDigest(subject.auditDigest()), e.getCause());
        } catch (RuntimeException auditFailure) {
            LOG.error("Could not audit rejection {} ({})", e.errorCode().code(), route, auditFailure);
        }
    }

    /** The message in flight the refusal is about (inbound or outbound), or the id an admin route acted on; else nothing. */
    private static AuditSubject subject(Exchange exchange) {
        for (String key : new String[] {AuditSubject.INBOUND_PROPERTY, AuditSubject.OUTBOUND_PROPERTY}) {
            if (exchange.getProperty(key) instanceof AuditSubject s) {
                return s;
            }
        }
        Object acted = exchange.getProperty("GwHeldId");
        String id = acted == null ? null : acted.toString();
        return new AuditSubject() {
            public String partnerId() {
                return null;
            }

            public String messageId() {
                return id;
            }

            public String caseId() {
                return null;
            }

            public String auditDigest() {
                return null;
            }
        };
    }

    /** The verified officer (a legal-officer route), or "officer" when none was verified (gateway.auth.mode=none). */
    private static String officer(Exchange exchange) {
        org.cmag.identity.Principal caller = exchange.getProperty(GatewayHeaders.CALLER, org.cmag.identity.Principal.class);
        return caller == null ? "officer" : caller.officerName();
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
