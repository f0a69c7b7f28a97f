package org.cmag.cases;

import java.time.Instant;

/**
 * One step of a case's timeline.
 *
 * @param direction IN (a partner's message), OUT (our message) or LOCAL (a national action or the gateway's timer)
 */
public record CaseTransition(String caseId, int seq, String event, CaseState from, CaseState to, String messageId,
        String direction, String actor, Instant at) {}
