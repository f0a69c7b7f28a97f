package org.cmag.messaging;

import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.WildcardConfiguration;
import org.apache.activemq.artemis.core.deployers.impl.FileConfigurationParser;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.settings.impl.HierarchicalObjectRepository;
import org.cmag.error.ErrorCode;
import org.cmag.error.GatewayException;

/**
 * The redelivery settings of each queue, read from {@code config/broker/broker.xml} (the embedded broker runs with them; an
 * external broker must carry the same address settings): back-off, jitter and the number of attempts. The gateway uses
 * them to explain a failed attempt (attempt n of max, next retry around when) and to dead-letter a message itself at its
 * last attempt, with the reason, instead of leaving that to the broker.
 */
public final class RedeliveryPolicy {
    /** The settings of one queue. {@code maxAttempts} counts every delivery, the first included. */
    public record Settings(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay, double jitter) {
        /** The broker's delay before the delivery after failed attempt {@code attempt} (1 = the first delivery failed). */
        public Duration delayAfter(int attempt) {
            double ms = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
            long capped = maxDelay.isZero() ? (long) ms : (long) Math.min(ms, maxDelay.toMillis());
            return Duration.ofMillis(Math.max(0, capped));
        }

        /** Whether {@code attempt} was the last one allowed. */
        public boolean exhaustedAt(int attempt) {
            return maxAttempts > 0 && attempt >= maxAttempts;
        }

        /** The whole horizon: the sum of the delays between the first and the last attempt (without jitter). */
        public Duration horizon() {
            long total = 0;
            for (int a = 1; a < maxAttempts; a++) {
                total += delayAfter(a).toMillis();
            }
            return Duration.ofMillis(total);
        }
    }

    private final HierarchicalObjectRepository<AddressSettings> repository;

    private RedeliveryPolicy(HierarchicalObjectRepository<AddressSettings> repository) {
        this.repository = repository;
    }

    /** The broker configuration the gateway is packaged with ({@code config/broker/broker.xml} on the classpath). */
    public static Configuration brokerConfiguration() {
        return brokerConfiguration(null);
    }

    /**
     * The broker configuration of {@code file} ({@code gateway.broker.config}), or the packaged one when it is null: address
     * settings (redelivery, dead letters) and addresses. Unreadable or invalid: a configuration error at start-up.
     */
    public static Configuration brokerConfiguration(java.nio.file.Path file) {
        String name = file == null ? "config/broker/broker.xml" : file.toString();
        try (InputStream in = file == null ? RedeliveryPolicy.class.getClassLoader().getResourceAsStream(name)
                : java.nio.file.Files.newInputStream(file)) {
            if (in == null) {
                throw new GatewayException(ErrorCode.CONFIGURATION, name + " is not on the classpath");
            }
            return new FileConfigurationParser().parseMainConfig(in);
        } catch (GatewayException e) {
            throw e;
        } catch (Exception e) {
            throw new GatewayException(ErrorCode.CONFIGURATION, "gateway.broker.config: " + name + " cannot be read: " + e.getMessage(), null, e);
        }
    }

    /** The policy of the address settings of {@code cfg}, matched as the broker matches them. */
    public static RedeliveryPolicy of(Configuration cfg) {
        HierarchicalObjectRepository<AddressSettings> repo = new HierarchicalObjectRepository<>(
                cfg.getWildcardConfiguration() == null ? new WildcardConfiguration() : cfg.getWildcardConfiguration());
        repo.setDefault(new AddressSettings());
        for (Map.Entry<String, AddressSettings> e : cfg.getAddressSettings().entrySet()) {
            repo.addMatch(e.getKey(), e.getValue());
        }
        return new RedeliveryPolicy(repo);
    }

    /** The settings that apply to {@code queue} (its address of the same name). */
    public Settings forQueue(String queue) {
        AddressSettings s = repository.getMatch(queue);
        return new Settings(s.getMaxDeliveryAttempts(), Duration.ofMillis(s.getRedeliveryDelay()), s.getRedeliveryMultiplier(),
                Duration.ofMillis(s.getMaxRedeliveryDelay()), s.getRedeliveryCollisionAvoidanceFactor());
    }
}
