package org.cmag.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.cmag.faults.LoadDriver.Submission;
import org.cmag.faults.NationalRecorder.Call;

/**
 * The crash-consistency invariants, evaluated from what the national systems saw (the recorders), what the national
 * system was told (the load driver's 202s) and the gateways' databases read at checkpoints. Every finding names the
 * message ids and is attributed to the scenario whose message it concerns (by the message id of a submission, the
 * submission marker in a delivered body, or else the time window the row or call falls into).
 */
final class Invariants {
    static final Set<String> OUTBOUND_FINAL = Set.of("DELIVERED", "FAILED", "DEAD_LETTERED");
    static final Set<String> INBOUND_FINAL = Set.of("DELIVERED", "REFUSED", "DEAD_LETTERED");
    static final String ACK = "REQUEST_ACKNOWLEDGEMENT";
    static final String RECEIVED = "message-received";

    /** A point at which the gateways were stopped gracefully and their databases read and audit chains verified. */
    static final class Checkpoint {
        final String name;
        final Instant at;
        final Set<Scenario> covered;
        final List<String> violations = Collections.synchronizedList(new ArrayList<>());
        final List<String> notes = Collections.synchronizedList(new ArrayList<>());
        DbSnapshot nl;
        DbSnapshot de;
        /** Every DE database so far (DE on H2, then DE on PostgreSQL), for cross-gateway lookups. */
        DbSnapshot deAll;

        Checkpoint(String name, Instant at, Set<Scenario> covered) {
            this.name = name;
            this.at = at;
            this.covered = covered;
        }
    }

    private final List<Scenario> executed;
    private final Map<String, Submission> byMessageId = new HashMap<>();
    private final Map<String, Submission> byCaseId = new HashMap<>();
    private final Map<Integer, Submission> bySeq = new HashMap<>();
    private final Map<String, Scenario> scenarioOfSubmission = new HashMap<>();
    private final Map<String, Scenario> extraAccepted;

    /**
     * @param executed the scenarios in the order they ran (time windows)
     * @param extraAccepted messages accepted other than through NL's national API (the sealed message of scenario 7)
     */
    Invariants(List<Scenario> executed, List<Submission> submissions, Map<String, Scenario> extraAccepted) {
        this.executed = executed.stream().filter(s -> s.start != null).sorted(Comparator.comparing(s -> s.start)).toList();
        Map<String, Scenario> byId = new HashMap<>();
        executed.forEach(s -> byId.put(s.id(), s));
        for (Submission s : submissions) {
            bySeq.put(s.seq, s);
            scenarioOfSubmission.put(s.key, byId.get(s.scenario));
            if (s.accepted()) {
                byMessageId.put(s.messageId, s);
                if (s.caseId != null) {
                    byCaseId.put(s.caseId, s);
                }
            }
        }
        this.extraAccepted = extraAccepted;
    }

    /** The scenario running at {@code t} (from its start to the next one's), or null before the first. */
    Scenario scenarioAt(Instant t) {
        Scenario found = null;
        for (Scenario s : executed) {
            if (t != null && !t.isBefore(s.start)) {
                found = s;
            }
        }
        return found;
    }

    /** The scenario a message belongs to: the submission it answered, else the time it was recorded. */
    Scenario scenarioOfMessage(String messageId, String caseId, Instant at) {
        Submission s = messageId == null ? null : byMessageId.get(messageId);
        if (s == null && caseId != null) {
            s = byCaseId.get(caseId);
        }
        if (s != null) {
            return scenarioOfSubmission.get(s.key);
        }
        if (messageId != null && extraAccepted.containsKey(messageId)) {
            return extraAccepted.get(messageId);
        }
        return scenarioAt(at);
    }

    private static String describe(Submission s) {
        return s.messageId + " (submission " + s.seq + ", Idempotency-Key " + s.key + ", case " + s.caseId + ")";
    }

    /**
     * Delivery: every 202 ends delivered exactly once to DE's national system (redelivery only with the same
     * Idempotency-Key and identical bytes) or dead-lettered with its reason; nothing delivered that was never accepted;
     * every delivered request acknowledged exactly once to NL's national system. Also fills the table's counts.
     */
    void deliveries(List<Submission> submissions, List<Call> deCalls, List<Call> nlCalls, DbSnapshot deAll) {
        Map<String, List<Call>> deByKey = deCalls.stream().filter(c -> c.key() != null)
                .collect(Collectors.groupingBy(Call::key, LinkedHashMap::new, Collectors.toList()));
        Map<String, List<Call>> acksByRequest = nlCalls.stream().filter(c -> ACK.equals(c.type()) && c.inReplyTo() != null)
                .collect(Collectors.groupingBy(Call::inReplyTo, LinkedHashMap::new, Collectors.toList()));
        Map<Scenario, List<String>> acceptedIds = new LinkedHashMap<>();
        for (Submission s : submissions) {
            Scenario sc = scenarioOfSubmission.get(s.key);
            if (sc == null) {
                continue;
            }
            if (s.accepted()) {
                acceptedIds.computeIfAbsent(sc, k -> new ArrayList<>()).add(s.messageId);
            } else if (s.refused != null) {
                boolean restarting = sc.faultStart != null && sc.faultEnd != null && s.refusedAt != null && !s.refusedAt.isBefore(sc.faultStart)
                        && !s.refusedAt.isAfter(sc.faultEnd);
                sc.violation("REFUSED: submission " + s.seq + " (Idempotency-Key " + s.key + ") got a final refusal from NL: " + s.refused
                        + (restarting ? " - answered during the fault, before NL's /health was UP again (a national system does not retry a 4xx)" : "")
                        + "; attempts " + s.attempts);
            } else {
                sc.note("submission " + s.seq + " (Idempotency-Key " + s.key + ") never got an answer from NL: attempts " + s.attempts);
            }
        }
        extraAccepted.forEach((id, sc) -> acceptedIds.computeIfAbsent(sc, k -> new ArrayList<>()).add(id));

        for (Map.Entry<Scenario, List<String>> e : acceptedIds.entrySet()) {
            Scenario sc = e.getKey();
            sc.accepted = e.getValue().size();
            Instant lastFirstDelivery = null;
            for (String id : e.getValue()) {
                Submission sub = byMessageId.get(id);
                String who = sub == null ? id : describe(sub);
                List<Call> calls = deByKey.getOrDefault(id, List.of());
                List<Call> ok = calls.stream().filter(Call::accepted).toList();
                if (ok.isEmpty()) {
                    DbSnapshot.DeadLetter dl = deAll == null ? null : deAll.deadLetters().get(id);
                    if (dl != null && dl.reasonCode() != null && !dl.reasonCode().isBlank()) {
                        sc.deadLettered++;
                        sc.note("dead-lettered at DE: " + who + " queue " + dl.queue() + ", reason " + dl.reasonCode() + " after " + dl.attempts()
                                + " attempt(s): " + dl.lastError());
                    } else {
                        sc.lost++;
                        sc.violation("LOST: " + who + " was accepted (202) by NL but never delivered to DE's national system and is not dead-lettered"
                                + " with a reason; callback attempts " + statuses(calls) + "; " + whereIsIt(id, deAll)
                                + (dl != null ? "; dead_letter row without reason_code" : "")
                                + (sc.settled ? "" : " (" + sc.id() + " had not settled within its bound when the next phase began; the loss may"
                                        + " have happened then)"));
                    }
                    continue;
                }
                sc.delivered++;
                Instant first = ok.get(0).at();
                if (lastFirstDelivery == null || first.isAfter(lastFirstDelivery)) {
                    lastFirstDelivery = first;
                }
                Set<String> bodies = ok.stream().map(Call::sha256).collect(Collectors.toCollection(LinkedHashSet::new));
                if (bodies.size() > 1) {
                    sc.duplicated++;
                    sc.violation("DUPLICATED: " + who + " delivered " + ok.size() + " times to DE's national system with different bodies (SHA-256 "
                            + bodies + ")");
                } else if (ok.size() > 1) {
                    sc.redelivered++;
                    sc.note("redelivered (same Idempotency-Key and bytes, allowed): " + id + " " + ok.size() + " times");
                }
                if (sub != null) {
                    List<Call> acks = acksByRequest.getOrDefault(id, List.of()).stream().filter(Call::accepted).toList();
                    Set<String> ackIds = acks.stream().map(Call::key).collect(Collectors.toCollection(LinkedHashSet::new));
                    if (ackIds.isEmpty()) {
                        sc.ackProblems++;
                        sc.violation("NOT ACKNOWLEDGED: " + who + " was delivered to DE's national system but DE's automatic acknowledgement never"
                                + " reached NL's national system (callback attempts with InReplyTo=" + id + ": "
                                + statuses(acksByRequest.getOrDefault(id, List.of())) + ")");
                    } else if (ackIds.size() > 1) {
                        sc.ackProblems++;
                        sc.violation("ACKNOWLEDGED TWICE: " + who + " got " + ackIds.size() + " different acknowledgements at NL's national system: "
                                + ackIds);
                    } else if (acks.stream().map(Call::sha256).distinct().count() > 1) {
                        sc.ackProblems++;
                        sc.violation("ACKNOWLEDGEMENT CHANGED: " + ackIds + " for " + who + " reached NL's national system with different bodies");
                    }
                }
            }
            if (sc.faultEnd != null) {
                if (sc.lost > 0) {
                    sc.recovery = "n/a (" + sc.lost + " lost)";
                } else if (lastFirstDelivery != null) {
                    Duration d = Duration.between(sc.faultEnd, lastFirstDelivery);
                    sc.recovery = (d.isNegative() ? 0 : d.toMillis() / 100 / 10.0) + " s" + (sc.settled ? "" : " (not settled in its bound)");
                }
            }
        }

        // deliveries of messages nobody accepted
        Set<String> known = new LinkedHashSet<>(byMessageId.keySet());
        known.addAll(extraAccepted.keySet());
        for (Map.Entry<String, List<Call>> e : deByKey.entrySet()) {
            if (known.contains(e.getKey()) || e.getValue().stream().noneMatch(Call::accepted)) {
                continue;
            }
            Call first = e.getValue().get(0);
            Submission origin = first.submission() == null ? null : bySeq.get(first.submission());
            Scenario sc = origin != null ? scenarioOfSubmission.get(origin.key) : scenarioAt(first.at());
            if (sc == null) {
                continue;
            }
            sc.duplicated++;
            sc.violation("NEVER ACCEPTED BUT DELIVERED: " + e.getKey() + " (case " + first.caseId() + ") reached DE's national system "
                    + e.getValue().stream().filter(Call::accepted).count() + " time(s) although no 202 named it; "
                    + (origin == null ? "its body carries no submission marker"
                            : "its body is submission " + origin.seq + " (Idempotency-Key " + origin.key + "), which NL "
                                    + (origin.accepted() ? "accepted as " + origin.messageId + " - one submission, two messages" : "never accepted")
                                    + "; attempts " + origin.attempts));
        }
    }

    private static String statuses(List<Call> calls) {
        if (calls.isEmpty()) {
            return "none";
        }
        Map<Integer, Long> counts = calls.stream().collect(Collectors.groupingBy(Call::status, LinkedHashMap::new, Collectors.counting()));
        return counts.entrySet().stream().map(x -> x.getValue() + "x" + x.getKey()).collect(Collectors.joining(", "));
    }

    private static String whereIsIt(String id, DbSnapshot de) {
        if (de == null) {
            return "DE database not read";
        }
        DbSnapshot.Receipt r = de.receipts().get(id);
        DbSnapshot.Inbound in = de.inbound().get(id);
        return "DE inbound_receipt " + (r == null ? "absent" : "present") + ", inbound_message " + (in == null ? "absent" : in.status())
                + (de.rejections().containsKey(id) ? ", inbound_rejection " + de.rejections().get(id) : "")
                + (de.deadLetterError() != null ? "; " + de.deadLetterError() : "");
    }

    /**
     * The database invariants at a checkpoint, for rows of the scenarios it covers: receipts have their rows and audit
     * records on the receiving side, no row in a non-final state, every receipt accounted for by a message, a rejection or
     * a dead letter.
     */
    void database(Checkpoint cp, DbSnapshot nlAll) {
        if (cp.nl != null && cp.deAll != null) {
            receiptsRecorded(cp, cp.nl, cp.deAll, "NL", "DE");
        }
        if (cp.de != null && nlAll != null) {
            receiptsRecorded(cp, cp.de, nlAll, "DE", "NL");
        }
        for (DbSnapshot db : new DbSnapshot[] {cp.nl, cp.de}) {
            if (db == null) {
                continue;
            }
            for (DbSnapshot.Outbound o : db.outbound().values()) {
                if (!OUTBOUND_FINAL.contains(o.status())) {
                    report(cp, scenarioOfMessage(o.messageId(), o.caseId(), o.createdAt()), "NON-FINAL: " + db.gateway() + " outbound_message " + o.messageId() + " ("
                            + o.type() + ", case " + o.caseId() + ") is in non-final status " + o.status() + " (final: " + OUTBOUND_FINAL + ")");
                }
            }
            for (DbSnapshot.Inbound i : db.inbound().values()) {
                if (!INBOUND_FINAL.contains(i.status())) {
                    report(cp, scenarioOfMessage(i.messageId(), i.caseId(), i.processedAt()), "NON-FINAL: " + db.gateway() + " inbound_message " + i.messageId() + " ("
                            + i.type() + ", case " + i.caseId() + ") is in non-final status " + i.status() + " (final: " + INBOUND_FINAL + ")");
                }
            }
            for (DbSnapshot.Receipt r : db.receipts().values()) {
                if (db.inbound().containsKey(r.messageId()) || db.rejections().containsKey(r.messageId())
                        || db.deadLetters().containsKey(r.messageId())) {
                    continue;
                }
                report(cp, scenarioOfMessage(r.messageId(), null, r.receivedAt()), "RECEIPT UNACCOUNTED: " + db.gateway() + " issued a receipt for " + r.messageId() + " (from "
                        + r.partnerId() + " at " + r.receivedAt() + ") but has no inbound_message, inbound_rejection or dead_letter row for it"
                        + (db.deadLetterError() != null ? " (" + db.deadLetterError() + ")" : ""));
            }
        }
    }

    private void receiptsRecorded(Checkpoint cp, DbSnapshot sender, DbSnapshot receiver, String from, String to) {
        for (DbSnapshot.Outbound o : sender.outbound().values()) {
            if (!o.hasReceipt()) {
                continue;
            }
            boolean row = receiver.receipts().containsKey(o.messageId());
            boolean audited = receiver.auditTypes().getOrDefault(o.messageId(), Set.of()).contains(RECEIVED);
            if (!row || !audited) {
                report(cp, scenarioOfMessage(o.messageId(), o.caseId(), o.createdAt()), "RECEIPT WITHOUT ROW: " + from + " holds " + to + "'s signed receipt for "
                        + o.messageId() + " (" + o.type() + ", case " + o.caseId() + ") but " + to + " has "
                        + (row ? "" : "no inbound_receipt row") + (!row && !audited ? " and " : "") + (audited ? "" : "no '" + RECEIVED + "' audit record")
                        + " for it");
            }
        }
    }

    private static void report(Checkpoint cp, Scenario sc, String text) {
        if (sc == null) {
            cp.violations.add(text);
        } else if (cp.covered.contains(sc)) {
            sc.violation(text + " [checkpoint " + cp.name + (sc.settled ? "" : "; " + sc.id() + " had not settled within its "
                    + (sc.settleBound == null ? "-" : sc.settleBound.toSeconds()) + " s bound") + "]");
        } else if (sc.violations.stream().noneMatch(v -> v.startsWith(text))) {
            // a row of a scenario an earlier checkpoint judged, which changed since: worth knowing, judged there
            cp.notes.add(sc.id() + " (judged at its own checkpoint, found only now): " + text);
        }
    }

    /** Violations counted by their category (the text before the first colon). */
    static Map<String, Long> categories(List<String> violations) {
        return violations.stream().collect(Collectors.groupingBy(v -> v.contains(":") ? v.substring(0, v.indexOf(':')) : v, LinkedHashMap::new,
                Collectors.counting()));
    }

    static String join(List<String> lines, int max) {
        List<String> shown = lines.stream().filter(Objects::nonNull).limit(max).toList();
        return String.join("\n  - ", shown) + (lines.size() > max ? "\n  ... and " + (lines.size() - max) + " more" : "");
    }
}
