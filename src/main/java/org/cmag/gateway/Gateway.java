package org.cmag.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.main.Main;
import org.cmag.cases.CaseStateMachine;
import org.cmag.cases.CaseStore;
import org.cmag.config.GatewayConfig;
import org.cmag.crypto.CertificateValidator;
import org.cmag.crypto.DevPki;
import org.cmag.crypto.RevocationChecker;
import org.cmag.crypto.KeyStores;
import org.cmag.crypto.OwnKeys;
import org.cmag.crypto.PartnerCertificates;
import org.cmag.crypto.SecureXml;
import org.cmag.crypto.XmlSecurity;
import org.cmag.error.ErrorCode;
import org.cmag.error.FaultMapper;
import org.cmag.error.GatewayException;
import org.cmag.exchange.ExchangeCodec;
import org.cmag.exchange.Receipts;
import org.cmag.mapping.RequestTranslator;
import org.cmag.messaging.Broker;
import org.cmag.national.NationalRequestParser;
import org.cmag.policy.Partner;
import org.cmag.policy.PartnerRegistry;
import org.cmag.soap.SoapPayloads;
import org.cmag.stage.AcceptInbound;
import org.cmag.stage.ApplyAgreement;
import org.cmag.stage.CheckAgreement;
import org.cmag.stage.CheckPartnerResponse;
import org.cmag.stage.DecryptPayload;
import org.cmag.stage.DeliveryFailed;
import org.cmag.stage.EncryptMessage;
import org.cmag.stage.HealthCheck;
import org.cmag.stage.IssueReceipt;
import org.cmag.stage.LookupReceipt;
import org.cmag.stage.PrepareDelivery;
import org.cmag.stage.PrepareNationalDelivery;
import org.cmag.stage.RecordOutbound;
import org.cmag.stage.RecordReceipt;
import org.cmag.stage.RejectInbound;
import org.cmag.stage.ResolvePartner;
import org.cmag.stage.SignMessage;
import org.cmag.stage.SubmissionAccepted;
import org.cmag.stage.TranslateRequest;
import org.cmag.stage.ValidateMessage;
import org.cmag.stage.ValidateNationalRequest;
import org.cmag.stage.VerifySignature;
import org.cmag.stage.VerifyReceipt;
import org.cmag.store.AuditEvent;
import org.cmag.store.AuditLog;
import org.cmag.store.Database;
import org.cmag.store.InboundStore;
import org.cmag.store.OutboundStore;
import org.cmag.wco.DeclarationTranslator;
import org.cmag.wco.WcoDecReader;
import org.cmag.wco.WcoPaths;

/**
 * One administration's gateway: builds every heavy object once (keys, schema binding, crypto façade,
 * database pool, broker, partner registry), binds the stage beans, and runs the YAML routes on camel-main.
 * Several gateways can run in one JVM (the demo and the tests do), each with its own broker, database,
 * ports and keys.
 */
public final class Gateway implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Gateway.class);
    private final GatewayConfig config;
    private final Main main;
    private final Broker broker;
    private final Database database;
    private final AuditLog audit;
    private final org.cmag.audit.Checkpoints checkpoints;
    private final OutboundStore outbound;
    private final InboundStore inbound;
    private final CaseStore cases;
    private final PartnerRegistry registry;
    private final KeyRing keys;
    private final org.cmag.tls.ChannelTls tls;
    private final AutoCloseable tlsVertx;
    private final StoreWatch watch;
    private PartnerListener partnerListener;

    private Gateway(GatewayConfig config, Main main, Broker broker, Database database, AuditLog audit,
            org.cmag.audit.Checkpoints checkpoints, OutboundStore outbound,
            InboundStore inbound, CaseStore cases, PartnerRegistry registry, KeyRing keys, org.cmag.tls.ChannelTls tls, AutoCloseable tlsVertx,
            StoreWatch watch) {
        this.config = config;
        this.main = main;
        this.broker = broker;
        this.database = database;
        this.audit = audit;
        this.checkpoints = checkpoints;
        this.outbound = outbound;
        this.inbound = inbound;
        this.cases = cases;
        this.registry = registry;
        this.keys = keys;
        this.tls = tls;
        this.tlsVertx = tlsVertx;
        this.watch = watch;
    }

    /** Starts a gateway with the system clock. */
    public static Gateway start(GatewayConfig config) {
        return start(config, Clock.systemUTC());
    }

    public static Gateway start(GatewayConfig config, Clock clock) {
        String ownId = config.gatewayId();
        Path dataDir = config.getPath("gateway.data-dir");
        createDirectories(dataDir);
        PrivateFiles.restrict(dataDir); // owner-only before anything is written (whatever the umask)
        PartnerRegistry registry = PartnerRegistry.load(
                config.getOptional("gateway.policies.dir") == null ? null : Path.of(config.get("gateway.policies.dir")), ownId,
                config::getOptional);
        KeyRing keys = loadKeys(config, registry, clock);
        PrivateFiles.restrict(config.getPath("gateway.pki.dir"));
        CertificateExpiry.Report expiry = CertificateExpiry.check(ownId, keys, clock.instant(), expiryWarningDays(config));
        expiry.warnings().forEach(w -> LOG.warn("Gateway {}: certificate warning: {}", ownId, w));
        expiry.errors().forEach(e -> LOG.error("Gateway {}: certificate error: {}", ownId, e));
        keys.own().signer(clock.instant()); // fail closed: a gateway that cannot sign does not start
        boolean tlsEnabled = config.getBoolean("gateway.tls.enabled");
        org.cmag.tls.ChannelTls tls = loadTls(config, registry, tlsEnabled, clock);
        java.net.URI soapAddress = soapAddress(config, tlsEnabled);
        org.cmag.identity.Identity identity = org.cmag.identity.Identity.from(config, registry, clock);

        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Database database = openDatabase(config, config.getInt("gateway.db.pool-size"));
            opened.add(database);
            org.apache.activemq.artemis.core.config.Configuration brokerConfig = org.cmag.messaging.RedeliveryPolicy.brokerConfiguration(
                    config.getOptional("gateway.broker.config") == null ? null : config.getPath("gateway.broker.config"));
            org.cmag.messaging.RedeliveryPolicy redelivery = org.cmag.messaging.RedeliveryPolicy.of(brokerConfig);
            Broker broker = config.getOptional("gateway.broker.url") == null
                    ? Broker.embedded(brokerConfig, dataDir, ownId, config.getLong("gateway.broker.journal-buffer-timeout-ns"))
                    : Broker.external(config.get("gateway.broker.url"), config.getOptional("gateway.broker.user"),
                            config.getOptional("gateway.broker.password"));
            opened.add(broker);

            AuditLog audit = new AuditLog(database, clock);
            // store probe, refusal audit with its spool, consumer pause, start-up gate (README "When a store is down")
            StoreWatch watch = StoreWatch.start(config, database, broker, audit, clock);
            opened.add(watch);
            OutboundStore outbound = new OutboundStore(database, audit);
            InboundStore inbound = new InboundStore(database, audit);
            CaseStore cases = new CaseStore(database, audit, new CaseStateMachine());
            org.cmag.store.HeldStore held = new org.cmag.store.HeldStore(database, audit);
            org.cmag.store.ReceivedDataRegister register = new org.cmag.store.ReceivedDataRegister(database, audit);
            String queuePrefix = config.get("gateway.queue.outbound-prefix");
            org.cmag.flow.OutboundRecorder outboundRecorder = new org.cmag.flow.OutboundRecorder(database, audit, cases, held, register,
                    queuePrefix, clock);
            org.cmag.flow.InboundRecorder inboundRecorder = new org.cmag.flow.InboundRecorder(database, audit, cases, register, clock);
            org.cmag.flow.DeliveryAttempts attempts = new org.cmag.flow.DeliveryAttempts(database, audit, clock);
            org.cmag.flow.DeadLetters deadLetters = new org.cmag.flow.DeadLetters(database, audit, clock);
            boolean callbackEnabled = config.getOptional("gateway.national.callback-url") != null;
            SecureXml xml = new SecureXml(org.cmag.crypto.XmlLimits.from(config));
            XmlSecurity security = new XmlSecurity(xml, clock);
            CertificateValidator validator = new CertificateValidator(new RevocationChecker(config.getPath("gateway.pki.dir"), clock,
                    Duration.ofSeconds(config.getLong("gateway.pki.revocation.timeout-seconds")),
                    Duration.ofSeconds(config.getLong("gateway.pki.revocation.recheck-seconds")),
                    (partnerId, cert, reason) -> audit.append(AuditEvent.ok("revocation-soft-fail", "gateway", partnerId, null, null,
                            "certificate '" + cert.getSubjectX500Principal().getName() + "' (serial " + cert.getSerialNumber().toString(16)
                                    + ") used without a revocation answer (onUnavailable: accept-with-warning): " + reason))), clock);
            ExchangeCodec codec = new ExchangeCodec();
            Receipts receipts = new Receipts(security, codec, xml, clock);
            int maxBytes = config.getInt("gateway.max-message-bytes");
            String country = config.get("gateway.country");

            Main main = new Main();
            // every request on the REST port is answered 503 starting until every route is up
            main.bind("gatedHttpServerFactory", new GatedHttpServerFactory(watch.gate));
            AutoCloseable tlsVertx = null;
            if (tlsEnabled) {
                // camel platform-http finds this Vert.x in the registry; its HTTP server is served over TLS (TlsListeners)
                io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
                tlsVertx = () -> vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
                opened.add(tlsVertx);
                main.bind("tlsVertx", org.cmag.tls.TlsListeners.tlsVertx(vertx, tls));
            }
            main.bind("soapServerTls", org.cmag.tls.TlsListeners.soapServer(tlsEnabled ? tls : null, soapAddress.getHost(), soapAddress.getPort()));
            main.bind("checkClientCertificate", new org.cmag.stage.CheckClientCertificate(tls, registry, clock));
            main.bind("jms", JmsComponent.jmsComponent(broker.connectionFactory()));
            main.bind("faultMapper", new FaultMapper(watch.refusals));
            main.bind("requireStores", new org.cmag.stage.RequireStores(watch.stores));
            // access control: one stage per endpoint group's role (pass-through in gateway.auth.mode=none)
            org.cmag.identity.AccessControl access = identity.access();
            main.bind("authenticatePartner", new org.cmag.stage.Authenticate(access, org.cmag.identity.Role.PARTNER_ADMINISTRATION));
            main.bind("requireNationalSystem", new org.cmag.stage.Authenticate(access, org.cmag.identity.Role.NATIONAL_SYSTEM));
            main.bind("requireLegalOfficer", new org.cmag.stage.Authenticate(access, org.cmag.identity.Role.LEGAL_OFFICER));
            main.bind("requireGatewayAdmin", new org.cmag.stage.Authenticate(access, org.cmag.identity.Role.GATEWAY_ADMIN));
            main.bind("authoriseSender", new org.cmag.stage.AuthoriseSender(access, registry));
            main.bind("attachPartnerToken", new org.cmag.stage.AttachPartnerToken(identity.partnerTokens()));
            main.bind("validateNationalRequest", new ValidateNationalRequest(new NationalRequestParser(), maxBytes));
            main.bind("resolvePartner", new ResolvePartner(registry));
            WcoPaths wcoPaths = WcoPaths.load();
            String wcoDir = config.getOptional("gateway.wco.schema-dir");
            String wcoResDir = config.getOptional("gateway.wco.response-schema-dir");
            WcoPaths wcoResponsePaths = WcoPaths.responses();
            DeclarationTranslator declarations = new DeclarationTranslator(
                    wcoDir == null ? null : new WcoDecReader(Path.of(wcoDir), xml, wcoPaths),
                    wcoResDir == null ? null : WcoDecReader.forResponses(Path.of(wcoResDir), xml, wcoResponsePaths), wcoPaths, wcoResponsePaths, xml);
            main.bind("translateRequest", new TranslateRequest(new RequestTranslator(ownId, country, clock), declarations, codec, xml));
            org.cmag.policy.Minimisation minimisation = new org.cmag.policy.Minimisation(
                    new org.cmag.policy.Minimiser(wcoPaths, pseudonymKey(config)));
            main.bind("applyAgreement", new ApplyAgreement(minimisation));
            main.bind("policyExplain", new org.cmag.stage.PolicyExplain(registry, declarations,
                    new org.cmag.policy.Minimiser(wcoPaths, ("policy-explain-preview-key-" + ownId).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    xml));
            main.bind("checkOutboundAgreement", new org.cmag.stage.CheckOutboundAgreement(clock));
            main.bind("selectRecipientCertificate", new org.cmag.stage.SelectRecipientCertificate(keys, validator));
            org.cmag.store.PartnerBindings bindings = new org.cmag.store.PartnerBindings(database, audit);
            main.bind("checkIdempotencyKey", new org.cmag.stage.CheckIdempotencyKey(new org.cmag.flow.IdempotentSubmissions(
                    new org.cmag.store.NationalSubmissions(database))));
            main.bind("checkPartnerActive", new org.cmag.stage.CheckPartnerActive(new org.cmag.identity.PartnerStatus(bindings::offboarded,
                    Duration.ofSeconds(config.getLong("gateway.identity.status-cache-seconds")))));
            main.bind("signMessage", new SignMessage(security, keys, clock));
            main.bind("keepSignedMessage", new org.cmag.stage.KeepEvidence(xml, clock, org.cmag.store.EvidenceItem.Direction.OUT));
            main.bind("keepVerifiedMessage", new org.cmag.stage.KeepEvidence(xml, clock, org.cmag.store.EvidenceItem.Direction.IN));
            main.bind("legalHoldApi", new org.cmag.stage.LegalHoldApi(new org.cmag.store.LegalHolds(database, audit, clock)));
            main.bind("encryptMessage", new EncryptMessage(security, keys, xml));
            main.bind("recordOutbound", new RecordOutbound(outboundRecorder));
            main.bind("prepareEnqueue", new org.cmag.stage.PrepareEnqueue());
            main.bind("enqueueDeferred", new org.cmag.stage.EnqueueDeferred(audit));
            main.bind("submissionAccepted", new SubmissionAccepted());
            main.bind("prepareDelivery", new PrepareDelivery(registry, outbound, queuePrefix));
            main.bind("soapPayloads", new SoapPayloads(xml));
            main.bind("checkPartnerResponse", new CheckPartnerResponse());
            main.bind("verifyReceipt", new VerifyReceipt(receipts, keys, validator));
            main.bind("recordReceipt", new RecordReceipt(outbound, cases, clock));
            main.bind("deliveryFailed", new DeliveryFailed(outbound, attempts, redelivery));
            main.bind("acceptInbound", new AcceptInbound(xml, registry, ownId, maxBytes));
            main.bind("lookupReceipt", new LookupReceipt(inboundRecorder, audit));
            main.bind("issueReceipt", new IssueReceipt(receipts, inboundRecorder, registry, keys, ownId, country));
            main.bind("queueReceived", new org.cmag.stage.QueueReceived());
            main.bind("loadReceived", new org.cmag.stage.LoadReceived(inboundRecorder));
            main.bind("decryptPayload", new DecryptPayload(security, xml, registry, keys));
            main.bind("verifySignature", new VerifySignature(security, keys, validator));
            main.bind("validateMessage", new ValidateMessage(codec, ownId, clock,
                    Duration.ofSeconds(config.getLong("gateway.freshness.max-age-seconds")),
                    Duration.ofSeconds(config.getLong("gateway.freshness.max-skew-seconds"))));
            main.bind("checkAgreement", new CheckAgreement(clock));
            main.bind("updateCase", new org.cmag.stage.UpdateCase(inboundRecorder, audit));
            main.bind("prepareNationalDelivery", new PrepareNationalDelivery(xml));
            String nationalQueue = config.get("gateway.queue.national-inbound");
            String callbackQueue = config.get("gateway.queue.national-callback");
            String inboundQueue = config.get("gateway.queue.inbound-received");
            boolean nationalQueueEnabled = nationalQueueEnabled(config);
            broker.onNationalConsumption(nationalQueue,
                    (partner, id) -> inboundRecorder.delivered(partner, id, "taken from " + nationalQueue + " by a national consumer"));
            main.bind("markQueuedNational", new org.cmag.stage.MarkQueuedNational(inboundRecorder,
                    (nationalQueueEnabled ? "queue " + nationalQueue : "") + (nationalQueueEnabled && callbackEnabled ? " and " : "")
                            + (callbackEnabled ? "national callback queue " + callbackQueue : "")));
            main.bind("rejectInbound", new RejectInbound(inboundRecorder, attempts, redelivery.forQueue(inboundQueue), inboundQueue, clock));
            main.bind("apiDocument", new org.cmag.stage.ApiDocument());
            main.bind("nationalCallback", new org.cmag.stage.NationalCallback(inboundRecorder, attempts, redelivery.forQueue(callbackQueue),
                    callbackQueue));
            main.bind("deadLetterIntake", new org.cmag.stage.DeadLetterIntake(attempts, clock));
            main.bind("deadLetterApi", new org.cmag.stage.DeadLetterApi(deadLetters));
            org.cmag.flow.Recovery recovery = new org.cmag.flow.Recovery(database, audit, clock, config.recoveryGrace(),
                    config.getInt("gateway.recovery.batch"), inboundQueue, partnerId -> registry.require(partnerId, ErrorCode.UNKNOWN_PARTNER)
                            .outboundQueue(queuePrefix), callbackEnabled);
            main.bind("recoverPending", new org.cmag.stage.RecoverPending(recovery, deadLetters));
            main.bind("caseQueries", new org.cmag.stage.CaseQueries(cases));
            org.cmag.protocol.ProtocolMessageBuilder protocol = new org.cmag.protocol.ProtocolMessageBuilder(ownId, country, clock);
            org.cmag.cases.CaseStateMachine machine = new org.cmag.cases.CaseStateMachine();
            main.bind("prepareCaseMessage", new org.cmag.stage.PrepareCaseMessage(cases, machine, registry, protocol, declarations,
                    minimisation, codec, xml, clock, maxBytes));
            main.bind("localActionDone", new org.cmag.stage.LocalActionDone(cases));
            main.bind("holdMessage", new org.cmag.stage.HoldMessage(new org.cmag.flow.HoldRecorder(database, audit, xml, clock, outboundRecorder)));
            main.bind("heldMessages", new org.cmag.stage.HeldMessages(new org.cmag.held.ManualRelease(held, registry, minimisation, xml, clock)));
            org.cmag.stage.AutomaticReplies replies = new org.cmag.stage.AutomaticReplies(cases, registry, protocol, codec, xml, inboundRecorder,
                    audit, clock);
            main.bind("automaticReplies", replies);
            main.bind("caseDeadlines", new org.cmag.stage.CaseDeadlines(cases, registry, protocol, replies, clock));
            main.bind("healthCheck", new HealthCheck(ownId, watch.stores, watch.gate::isOpen, registry, keys, clock, expiryWarningDays(config)));
            main.bind("registerReceivedData", new org.cmag.stage.NoteReceivedData(clock));
            main.bind("recordConsentDecision", new org.cmag.stage.NoteConsentDecision());
            main.bind("checkOnwardTransfer", new org.cmag.stage.CheckOnwardTransfer(new org.cmag.transfer.OnwardTransferCheck(register)));
            main.bind("trackConsentRequest", new org.cmag.stage.TrackConsentRequest());
            main.bind("recordManualConsent", new org.cmag.stage.RecordManualConsent(new org.cmag.transfer.ManualConsents(register, clock)));
            config.auditCheckpointInterval(); // fail closed on a bad interval before the timer route reads it
            org.cmag.audit.Checkpoints checkpoints = auditCheckpoints(config, database, audit, keys.own(), clock);
            main.bind("auditCheckpoints", checkpoints);
            config.retentionPurgeInterval(); // fail closed on a bad interval before the timer route reads it
            main.bind("purgeExpired", new org.cmag.stage.PurgeExpired(
                    new org.cmag.store.RetentionPurge(database, audit, clock, config.rejectedMessageRetention())));
            // legal officers: audit search, case timeline, chain status, evidence export
            org.cmag.evidence.BundleWriter bundles = bundleWriter(database, audit, ownId, keys, clock);
            org.cmag.audit.ChainVerifier.Trust ownTrust = new org.cmag.audit.ChainVerifier.Trust(
                    ownId, org.cmag.audit.CheckpointTrust.ownCertificates(keys.own().signingKeys().stream().map(k -> k.certificate()).toList()));
            org.cmag.audit.ChainVerifier chainVerifier = new org.cmag.audit.ChainVerifier(audit, checkpoints, ownTrust);
            checkpoints.anchor().flatMap(a -> a.check(audit, checkpoints, ownTrust)).ifPresent(problem -> LOG.error(
                    "Gateway {}: the audit chain (head record {}) does not agree with its anchor: {}", ownId, audit.head().seq(), problem.message()));
            main.bind("auditConsole", new org.cmag.stage.AuditConsole(new org.cmag.console.AuditConsoleService(audit,
                    new org.cmag.store.AuditQuery(database), cases, chainVerifier,
                    (caseId, officer) -> bundles.bytes(org.cmag.evidence.Selection.ofCase(caseId), officer), clock)));
            main.bind("consoleFiles", new org.cmag.stage.ConsoleFiles(config.get("gateway.auth.mode").toLowerCase(java.util.Locale.ROOT),
                    config.getOptional("gateway.auth.issuer"), org.cmag.identity.Realm.CONSOLE_CLIENT));
            main.setOverrideProperties(camelProperties(config, maxBytes));
            // the agreement files and configuration this start runs with, kept and audited (policy-loaded/-changed, configuration-loaded)
            new org.cmag.store.PolicyVersions(database, audit, clock).recordStart(ownId, config.get("gateway.auth.mode"), registry, config.asMap());
            main.start();
            opened.add(main::stop); // a failure from here on stops the routes too
            // bodies the HTTP server refuses to read (over camel.server.max-body-size) get the coded answer and an audit record
            httpRouter(main.getCamelContext(), config.getInt("gateway.http.port")).route()
                    .failureHandler(new org.cmag.error.OversizedRequests(watch.refusals, serverBodyLimit(maxBytes)));

            Gateway gateway = new Gateway(config, main, broker, database, audit, checkpoints, outbound, inbound, cases, registry, keys, tls, tlsVertx,
                    watch);
            gateway.addDeliveryRoutes(queuePrefix);
            // the partner REST door on its own listener; the main listener (national API, console, audit API) does not serve it
            var router = httpRouter(main.getCamelContext(), config.getInt("gateway.http.port"));
            gateway.partnerListener = PartnerListener.start(router, config.get("gateway.partner-http.host"),
                    config.getInt("gateway.partner-http.port"));
            PartnerListener.closeDoorOn(router, gateway.partnerListener.port());
            opened.add(gateway.partnerListener);
            PrivateFiles.restrict(dataDir); // database, journal, anchor and spool files as they exist now
            watch.routesUp(main.getCamelContext(), ownId);
            LOG.info("Gateway {}: every route is up; {} request(s) were answered 503 starting meanwhile", ownId, watch.gate.refused());
            return gateway;
        } catch (GatewayException e) {
            closeAllQuietly(opened);
            throw e;
        } catch (Exception e) {
            closeAllQuietly(opened);
            throw new GatewayException(ErrorCode.CONFIGURATION, "Gateway " + ownId + " failed to start: " + e.getMessage(), null, e);
        }
    }

    /** The gateway's database (migrated as {@code gateway.db.migration-user} when set), with the configured timeouts. */
    public static Database openDatabase(GatewayConfig config, int poolSize) {
        return new Database(h2Absolute(config.get("gateway.db.url")), config.get("gateway.db.user"),
                config.asMap().getOrDefault("gateway.db.password", ""), poolSize, config.getOptional("gateway.db.migration-user"),
                config.asMap().getOrDefault("gateway.db.migration-password", ""),
                new Database.Timeouts(Duration.ofMillis(config.getLong("gateway.db.timeout-ms")),
                        Duration.ofSeconds(config.getLong("gateway.db.socket-timeout-seconds"))));
    }

    /** The audit checkpoints of this gateway, signed with its own key, time-stamped when a TSA is configured. */
    public static org.cmag.audit.Checkpoints auditCheckpoints(GatewayConfig config, Database database, AuditLog audit, OwnKeys own, Clock clock) {
        String tsa = config.getOptional("gateway.audit.tsa-url");
        org.cmag.audit.TimeStamper stamper = null;
        if (tsa != null) {
            if (!tsa.startsWith("http://") && !tsa.startsWith("https://")) {
                throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.audit.tsa-url must be an http(s) URL");
            }
            stamper = new org.cmag.audit.TimeStamper(java.net.URI.create(tsa),
                    java.time.Duration.ofSeconds(config.getLong("gateway.audit.tsa-timeout-seconds")));
        }
        return new org.cmag.audit.Checkpoints(database, audit, config.gatewayId(), own::signer, stamper, clock,
                org.cmag.audit.AuditAnchor.writable(config.auditAnchorFile()));
    }

    /**
     * Whether inbound messages go on the national queue: always without a callback; with a callback only when
     * {@code gateway.national.queue-with-callback} (otherwise a queue nobody reads would grow for ever).
     */
    static boolean nationalQueueEnabled(GatewayConfig config) {
        return config.getOptional("gateway.national.callback-url") == null || config.getBoolean("gateway.national.queue-with-callback");
    }

    /** H2 refuses implicitly relative file paths; resolve them against the working directory. */
    public static String h2Absolute(String url) {
        String prefix = "jdbc:h2:file:";
        if (!url.startsWith(prefix)) {
            return url;
        }
        String rest = url.substring(prefix.length());
        if (rest.startsWith("/") || rest.startsWith("./") || rest.startsWith("~") || rest.matches("^[A-Za-z]:.*")) {
            return url;
        }
        return prefix + Path.of("").toAbsolutePath().resolve(rest.split(";", 2)[0]) + (rest.contains(";") ? ";" + rest.split(";", 2)[1] : "");
    }

    /** The router of the platform-http server on {@code port} (registered under a name per port, or the default one). */
    private static org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter httpRouter(org.apache.camel.CamelContext context, int port) {
        var byPort = org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.lookup(context,
                org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.getRouterNameFromPort(port));
        var router = byPort != null ? byPort : org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.lookup(context);
        if (router == null) {
            throw new IllegalStateException("The HTTP server's router on port " + port + " is not registered");
        }
        return router;
    }

    /** The most the HTTP server reads of a body: the message limit plus slack, so a message just over it reaches the route's check. */
    private static long serverBodyLimit(int maxBytes) {
        return maxBytes + 1024L;
    }

    private static Properties camelProperties(GatewayConfig config, int maxBytes) {
        Properties p = new Properties();
        p.putAll(config.asMap());
        p.put("camel.main.name", "cmag-" + config.gatewayId());
        p.put("camel.main.routes-include-pattern", "classpath:routes/*.camel.yaml");
        p.put("camel.main.jmx-enabled", "false");
        p.put("camel.main.dev-console-enabled", "false");
        p.put("camel.main.shutdown-timeout", "10");
        p.put("camel.server.enabled", "true");
        p.put("camel.server.host", config.get("gateway.http.host"));
        p.put("camel.server.port", config.get("gateway.http.port"));
        p.put("camel.server.max-body-size", String.valueOf(serverBodyLimit(maxBytes)));
        p.put("camel.rest.component", "platform-http");
        // outgoing HTTP (partner REST channel, national callback): no hidden re-execution of a POST (HttpClient 5 repeats a
        // request answered 503/429 on its own; every attempt must be ours: counted, explained, backed off) and bounded waits
        for (String component : new String[] {"http", "https"}) {
            p.put("camel.component." + component + ".automatic-retries-disabled", "true");
            p.put("camel.component." + component + ".connect-timeout", config.get("gateway.http-client.connect-timeout-ms"));
            p.put("camel.component." + component + ".connection-request-timeout", config.get("gateway.http-client.connect-timeout-ms"));
            p.put("camel.component." + component + ".response-timeout", config.get("gateway.http-client.response-timeout-ms"));
            p.put("camel.component." + component + ".so-timeout", config.get("gateway.http-client.response-timeout-ms"));
        }
        // Hard ceiling of CXF's StAX reader on the SOAP endpoint: twice the gateway's own XML limits (the SOAP
        // envelope adds two levels), so gross abuse is refused before CXF builds anything, while a document just
        // over a limit still reaches SecureXml and gets the coded xml_limit_exceeded fault.
        org.cmag.crypto.XmlLimits limits = org.cmag.crypto.XmlLimits.from(config);
        p.put("gateway.soap.stax.max-depth", String.valueOf(2L * limits.maxDepth() + 2));
        p.put("gateway.soap.stax.max-elements", String.valueOf(2L * limits.maxElements()));
        p.put("gateway.soap.stax.max-child-elements", String.valueOf(2L * limits.maxElements()));
        p.put("gateway.soap.stax.max-attributes", String.valueOf(2L * limits.maxAttributes()));
        p.put("gateway.soap.stax.max-text-length", String.valueOf(2L * limits.maxTextLength()));
        p.put("gateway.national.callback-enabled", String.valueOf(config.getOptional("gateway.national.callback-url") != null));
        p.put("gateway.national.queue-enabled", String.valueOf(nationalQueueEnabled(config)));
        return p;
    }

    private void addDeliveryRoutes(String queuePrefix) throws Exception {
        CamelContext context = main.getCamelContext();
        String callback = config.getOptional("gateway.national.callback-url");
        if (callback != null) {
            if (!callback.startsWith("http://") && !callback.startsWith("https://")) {
                throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.national.callback-url must be an http(s) URL");
            }
            TemplatedRouteBuilder.builder(context, "inbound-national-callback")
                    .routeId("inbound-national-callback")
                    .parameter("queue", config.get("gateway.queue.national-callback"))
                    .parameter("url", callback + (callback.contains("?") ? "&" : "?") + "throwExceptionOnFailure=false")
                    .add();
        }
        for (Partner partner : registry.all()) {
            String restUri = restUri(partner.restEndpoint());
            String soapUri = soapUri(partner.soapEndpoint());
            if (partner.restEndpoint().startsWith("https://")) {
                // our TLS client certificate; the partner's server certificate against its anchors, host name verified
                context.getRegistry().bind("tlsClient-" + partner.id(), tls.clientParameters(partner.id()));
                restUri += "&sslContextParameters=#tlsClient-" + partner.id();
            }
            if (partner.soapEndpoint().startsWith("https://")) {
                context.getRegistry().bind("soapClientTls-" + partner.id(), org.cmag.tls.TlsListeners.soapClient(tls, partner.id()));
                soapUri += "&cxfConfigurer=#soapClientTls-" + partner.id();
            }
            TemplatedRouteBuilder.builder(context, "outbound-delivery")
                    .routeId("outbound-delivery-" + partner.id())
                    .prefixId(partner.id() + "-")
                    .parameter("partnerId", partner.id())
                    .parameter("queue", partner.outboundQueue(queuePrefix))
                    .parameter("channel", partner.channel().name())
                    .parameter("restUri", restUri)
                    .parameter("soapUri", soapUri)
                    .add();
        }
    }

    private static String restUri(String endpoint) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        if (!base.startsWith("http://") && !base.startsWith("https://")) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Partner endpoint must be an http(s) URL: " + endpoint);
        }
        return base + "/exchange/v1/messages?httpMethod=POST&throwExceptionOnFailure=false";
    }

    private static String soapUri(String endpoint) {
        return "cxf://" + endpoint + "?dataFormat=PAYLOAD&wsdlURL=classpath:schemas/wsdl/cmag-exchange-v1.wsdl"
                + "&serviceName=%7Burn:cmag:exchange:wsdl:1%7DExchangeService&portName=%7Burn:cmag:exchange:wsdl:1%7DExchangePort"
                + "&defaultOperationName=Submit";
    }

    /** The pseudonymisation key (outside the policy files); generated on first start in development. */
    private static byte[] pseudonymKey(GatewayConfig config) {
        Path file = config.getPath("gateway.policy.pseudonym-key-file");
        try {
            if (!Files.exists(file)) {
                if (!config.getBoolean("gateway.pki.dev-generate")) {
                    throw new GatewayException(ErrorCode.KEY_MATERIAL, "Pseudonymisation key " + file + " is missing");
                }
                byte[] key = new byte[32];
                new java.security.SecureRandom().nextBytes(key);
                Files.createDirectories(file.toAbsolutePath().getParent());
                Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "pseudonym", ".tmp");
                Files.write(tmp, key);
                try {
                    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    Files.deleteIfExists(tmp);
                }
            }
            byte[] key = Files.readAllBytes(file);
            if (key.length < 32) {
                throw new GatewayException(ErrorCode.KEY_MATERIAL, "Pseudonymisation key " + file + " must have at least 32 bytes");
            }
            return key;
        } catch (java.io.IOException e) {
            throw new GatewayException(ErrorCode.KEY_MATERIAL, "Cannot read pseudonymisation key " + file, null, e);
        }
    }

    private static KeyRing loadKeys(GatewayConfig config, PartnerRegistry registry, java.time.Clock clock) {
        String ownId = config.gatewayId();
        Path pki = config.getPath("gateway.pki.dir");
        char[] password = config.get("gateway.pki.store-password").toCharArray();
        if (config.getBoolean("gateway.pki.dev-generate")) {
            List<String> ids = new ArrayList<>();
            ids.add(ownId);
            registry.all().forEach(p -> ids.add(p.id()));
            new DevPki(pki, clock, password).ensure(ids);
        }
        Path keystore = pki.resolve(ownId + ".p12");
        OwnKeys own = KeyStores.loadOwn(keystore, password);
        Map<String, PartnerCertificates> partners = new HashMap<>();
        for (Partner p : registry.all()) {
            PartnerCertificates certs = KeyRing.partnerCertificates(p, pki, clock.instant());
            AgreementKeys.check(p, certs, own, keystore.toString());
            partners.put(p.id(), certs);
        }
        return new KeyRing(own, Map.copyOf(partners));
    }

    /** {@code gateway.pki.expiry-warning-days}: certificates expiring within this many days are reported (at least 1). */
    static int expiryWarningDays(GatewayConfig config) {
        int days = config.getInt("gateway.pki.expiry-warning-days");
        if (days < 1) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Configuration key gateway.pki.expiry-warning-days must be at least 1, not " + days);
        }
        return days;
    }

    /**
     * The TLS material of the partner channels ({@link org.cmag.tls.ChannelTls}). Fail closed: a partner whose agreement
     * requires mutual TLS needs {@code gateway.tls.enabled=true}; our TLS key is loaded when the listeners use TLS or a
     * partner endpoint is https. The development PKI issues a TLS certificate per administration ({@code <ID>-tls.p12},
     * {@code <ID>-tls.crt}).
     */
    private static org.cmag.tls.ChannelTls loadTls(GatewayConfig config, PartnerRegistry registry, boolean enabled, Clock clock) {
        boolean https = false;
        for (Partner p : registry.all()) {
            if (p.channelAuth().requiresClientCertificate() && !enabled) {
                throw new GatewayException(ErrorCode.CONFIGURATION, p.source() + ": field channel.auth is '" + p.channelAuth().value()
                        + "' (mutual TLS), but the listeners do not use TLS: set gateway.tls.enabled=true");
            }
            https |= (p.channel() == Partner.Channel.REST ? p.restEndpoint() : p.soapEndpoint()).startsWith("https://");
        }
        Path pki = config.getPath("gateway.pki.dir");
        char[] password = config.get("gateway.tls.keystore-password").toCharArray();
        if (config.getBoolean("gateway.pki.dev-generate")) {
            List<String> ids = new ArrayList<>();
            ids.add(config.gatewayId());
            registry.all().forEach(p -> ids.add(p.id()));
            new org.cmag.tls.DevTlsCertificates(pki, clock, config.get("gateway.pki.store-password").toCharArray()).ensure(ids);
        }
        Path keystore = enabled || https ? config.getPath("gateway.tls.keystore") : null;
        return org.cmag.tls.ChannelTls.load(keystore, password, config.get("gateway.tls.key-alias"), pki, registry.all(), clock.instant());
    }

    /** The SOAP listener's address: https with TLS on, http without (a mismatch is a configuration error). */
    private static java.net.URI soapAddress(GatewayConfig config, boolean tlsEnabled) {
        String address = config.get("gateway.soap.address");
        String scheme = tlsEnabled ? "https://" : "http://";
        if (!address.startsWith(scheme)) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.soap.address is '" + address + "'; with gateway.tls.enabled="
                    + tlsEnabled + " it must start with " + scheme);
        }
        java.net.URI uri = java.net.URI.create(address);
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.soap.address '" + address + "' must name a host and a port");
        }
        return uri;
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "Cannot create data directory " + dir, null, e);
        }
    }

    private static void closeAllQuietly(List<AutoCloseable> opened) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            closeQuietly(opened.get(i));
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort while failing start-up
        }
    }

    public String id() {
        return config.gatewayId();
    }

    public GatewayConfig config() {
        return config;
    }

    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    public Broker broker() {
        return broker;
    }

    public AuditLog audit() {
        return audit;
    }

    /** The signed checkpoints of this gateway's audit chain. */
    public org.cmag.audit.Checkpoints auditCheckpoints() {
        return checkpoints;
    }

    public OutboundStore outbound() {
        return outbound;
    }

    public InboundStore inbound() {
        return inbound;
    }

    public CaseStore cases() {
        return cases;
    }

    public PartnerRegistry registry() {
        return registry;
    }

    public KeyRing keys() {
        return keys;
    }

    public Database database() {
        return database;
    }

    /** The signed messages and receipts kept as evidence. */
    public org.cmag.store.EvidenceStore evidence() {
        return new org.cmag.store.EvidenceStore(database);
    }

    /** Evidence bundles of this gateway's audit trail and evidence, signed with its signing key. */
    public org.cmag.evidence.BundleWriter bundleWriter(Clock clock) {
        return bundleWriter(database, audit, id(), keys, clock);
    }

    private static org.cmag.evidence.BundleWriter bundleWriter(Database database, AuditLog audit, String ownId, KeyRing keys, Clock clock) {
        return new org.cmag.evidence.BundleWriter(database, audit, ownId, keys.own()::signer,
                p -> keys.partners().containsKey(p) ? keys.partner(p).signingCertificates() : List.of(), clock);
    }

    /** The received-data register and transfer consents of this gateway. */
    public org.cmag.store.ReceivedDataRegister receivedData() {
        return new org.cmag.store.ReceivedDataRegister(database, audit);
    }

    /** Base URL of this gateway's HTTP listener (https when gateway.tls.enabled). */
    public String httpBase() {
        return (config.getBoolean("gateway.tls.enabled") ? "https://" : "http://") + config.get("gateway.http.host") + ":"
                + config.get("gateway.http.port");
    }

    /** Base URL of this gateway's partner-channel listener ({@code POST /exchange/v1/messages}). */
    public String partnerBase() {
        return (config.getBoolean("gateway.tls.enabled") ? "https://" : "http://") + config.get("gateway.partner-http.host") + ":"
                + partnerListener.port();
    }

    /** The TLS material of the partner channels. */
    public org.cmag.tls.ChannelTls tls() {
        return tls;
    }

    /** The probed state of the database and the broker. */
    public org.cmag.health.StoreProbe stores() {
        return watch.stores;
    }

    /** Whether every route is up (until then the REST port answers 503 starting). */
    public boolean started() {
        return watch.gate.isOpen();
    }

    @Override
    public void close() {
        watch.stopProbing(); // no transitions (nor consumer suspensions) while the routes stop
        if (partnerListener != null) {
            partnerListener.close(); // partners get connection refused, not a half-stopped route
        }
        try {
            main.stop();
        } catch (Exception e) {
            // continue closing the rest
        }
        try {
            checkpoints.write(); // orderly shutdown: the head as it is now, signed
        } catch (RuntimeException e) {
            LOG.warn("Gateway {}: no audit checkpoint at shutdown: {}", config.gatewayId(), e.getMessage());
        }
        if (tlsVertx != null) {
            closeQuietly(tlsVertx);
        }
        watch.close();
        closeQuietly(broker);
        closeQuietly(database);
    }
}
