package org.cmag.store;

import java.time.Instant;

/** An audit record as stored: the event plus its place in the hash chain. */
public record AuditRecord(long seq, Instant occurredAt, AuditEvent event, String prevHash, String hash) {}
