package org.cmag.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One fault scenario: when it ran, when its fault ended, and what was found (filled in by the suite and {@link Invariants}). */
final class Scenario {
    final int number;
    final String title;
    Instant start;
    Instant faultStart;
    Instant faultEnd;
    Instant loadStopped;
    Instant end;
    /** Why the scenario did not run (null when it ran). */
    String skipped;
    /** Settled (every accepted message delivered and acknowledged) within its bound; how long that took after the fault. */
    boolean settled;
    Duration settleBound;
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    final List<String> notes = Collections.synchronizedList(new ArrayList<>());

    // the table (Invariants fills these)
    int accepted;
    int delivered;
    int lost;
    int deadLettered;
    int duplicated;
    int redelivered;
    int ackProblems;
    String recovery = "-";

    Scenario(int number, String title) {
        this.number = number;
        this.title = title;
    }

    String id() {
        return "S" + number;
    }

    boolean ran() {
        return start != null && skipped == null;
    }

    void violation(String text) {
        violations.add(text);
    }

    void note(String text) {
        notes.add(text);
    }

    @Override
    public String toString() {
        return id() + " " + title;
    }
}
