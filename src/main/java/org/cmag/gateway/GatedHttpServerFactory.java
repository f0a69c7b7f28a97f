package org.cmag.gateway;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Service;
import org.apache.camel.component.platform.http.main.DefaultMainHttpServerFactory;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.main.HttpManagementServerConfigurationProperties;
import org.apache.camel.main.HttpServerConfigurationProperties;
import org.apache.camel.main.MainHttpServerFactory;
import org.apache.camel.support.service.ServiceHelper;

/**
 * camel-main's embedded HTTP server (platform-http on Vert.x) with a first handler installed before it listens.
 *
 * <p>camel-main starts the HTTP server while the Camel context starts, before any route exists: the Vert.x server builds
 * its router, registers it, and listens; the routes add their Vert.x routes later, and until then Vert.x answers 404 with
 * an HTML page. camel-main takes a {@link MainHttpServerFactory} from the registry when one is bound; this one builds the
 * server as the default factory configures it, except that the Vert.x server puts {@code first} on its router (lowest
 * order, so before every route) between building the router and listening. Nothing else changes.
 */
final class GatedHttpServerFactory implements MainHttpServerFactory {
    private final Handler<RoutingContext> first;

    GatedHttpServerFactory(Handler<RoutingContext> first) {
        this.first = first;
    }

    @Override
    public Service newHttpServer(CamelContext camelContext, HttpServerConfigurationProperties configuration) {
        DefaultMainHttpServerFactory defaults = new DefaultMainHttpServerFactory();
        defaults.setCamelContext(camelContext);
        MainHttpServer configured = (MainHttpServer) defaults.newHttpServer(camelContext, configuration);
        GatedMainHttpServer server = new GatedMainHttpServer(first);
        server.setCamelContext(camelContext);
        server.setConfiguration(configured.getConfiguration());
        server.setStaticEnabled(configured.isStaticEnabled());
        server.setStaticContextPath(configured.getStaticContextPath());
        server.setStaticSourceDir(configured.getStaticSourceDir());
        return server;
    }

    @Override
    public Service newHttpManagementServer(CamelContext camelContext, HttpManagementServerConfigurationProperties configuration) {
        DefaultMainHttpServerFactory defaults = new DefaultMainHttpServerFactory();
        defaults.setCamelContext(camelContext);
        return defaults.newHttpManagementServer(camelContext, configuration);
    }

    /** {@link MainHttpServer} whose Vert.x server installs the first handler before it listens. */
    private static final class GatedMainHttpServer extends MainHttpServer {
        private final Handler<RoutingContext> first;
        private VertxPlatformHttpServer server;

        GatedMainHttpServer(Handler<RoutingContext> first) {
            this.first = first;
        }

        @Override
        protected void doInit() throws Exception {
            server = new GatedVertxServer(getConfiguration(), first);
            // the context manages (and stops) the server, as camel-main's own MainHttpServer does
            getCamelContext().addService(server);
        }

        @Override
        protected void doStart() throws Exception {
            ServiceHelper.startService(server);
            super.doStart();
        }
    }

    /**
     * The Vert.x server: {@code first} on its router between building it and listening. A named class: Camel names the
     * server's thread pool after its class.
     */
    private static final class GatedVertxServer extends VertxPlatformHttpServer {
        private final Handler<RoutingContext> first;

        GatedVertxServer(VertxPlatformHttpServerConfiguration configuration, Handler<RoutingContext> first) {
            super(configuration);
            this.first = first;
        }

        @Override
        protected void startServer() throws Exception {
            // initializeServer() has built and registered the router; nothing listens yet
            CamelContext context = getCamelContext();
            VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(getConfigurationPort()));
            if (router == null) {
                router = VertxPlatformHttpRouter.lookup(context);
            }
            if (router == null) {
                throw new IllegalStateException("The HTTP server's router is not registered");
            }
            router.route().order(Integer.MIN_VALUE).handler(first);
            super.startServer();
        }
    }
}
