package org.cmag.error;

/**
 * The one exception type of the gateway. It carries a stable {@link ErrorCode}, a human-readable detail
 * (never secrets, never personal data) and, where known, the location of the fault: a JSON pointer for
 * national JSON, or an element path / WCO pointer for XML.
 */
public final class GatewayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;
    private final String pointer;

    public GatewayException(ErrorCode errorCode, String detail) {
        this(errorCode, detail, null, null);
    }

    public GatewayException(ErrorCode errorCode, String detail, String pointer) {
        this(errorCode, detail, pointer, null);
    }

    public GatewayException(ErrorCode errorCode, String detail, String pointer, Throwable cause) {
        super(detail, cause);
        this.errorCode = errorCode;
        this.pointer = pointer;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** JSON pointer or XML element path of the offending field, or null. */
    public String pointer() {
        return pointer;
    }

    /** Whether retrying the same operation later may succeed (a partner or storage outage). */
    public boolean isTransient() {
        return errorCode == ErrorCode.DELIVERY_FAILED || errorCode == ErrorCode.STORAGE_UNAVAILABLE
                || errorCode == ErrorCode.PARTNER_TOKEN_FAILED;
    }

    public String detail() {
        return getMessage();
    }
}
