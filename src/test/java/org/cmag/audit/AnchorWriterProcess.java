package org.cmag.audit;

import java.nio.file.Path;
import java.time.Instant;
import org.cmag.crypto.DevCertificates;

/**
 * A process that writes audit anchors as fast as it can - checkpoint of record 1, 2, 3, ... - printing each sequence
 * number once its anchor is written, until it is killed. {@link AuditAnchorTest} kills it with SIGKILL at an arbitrary
 * moment and reads what it left. Arguments: the anchor file.
 */
public final class AnchorWriterProcess {
    private AnchorWriterProcess() {}

    public static void main(String[] args) throws Exception {
        AuditAnchor anchor = new AuditAnchor(Path.of(args[0]));
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        DevCertificates.Issued ca = DevCertificates.newCa("CN=writer CA", from, from.plusSeconds(86_400L * 365));
        DevCertificates.Issued key = DevCertificates.issue(ca, DevCertificates.Spec.of("CN=NL gateway signing", DevCertificates.Usage.SIGNING,
                from, from.plusSeconds(86_400L * 365)));
        for (long seq = 1; ; seq++) {
            String hash = AuditChain.sha256Hex(Long.toString(seq).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            anchor.write(Checkpoint.sign("NL", seq, hash, from.plusSeconds(seq), key.key(), key.certificate()));
            System.out.println(seq);
            System.out.flush();
        }
    }
}
