# CMAG gateway image: build with Maven on JDK 17, run on a JRE 17 as a non-root user.
#   docker build -t cmag .
#   docker run -p 8480:8480 -p 8481:8481 -p 8482:8482 -v cmag-data:/var/lib/cmag/data cmag
# Configuration: environment variables (GATEWAY_ID=DE, GATEWAY_DB_URL=jdbc:postgresql://..., ...) or a mounted
# /var/lib/cmag/config/application.properties. Secrets only through the environment or mounted files.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY schemas schemas
COPY routes routes
COPY policies policies
COPY config config
COPY docs docs
COPY src src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN groupadd --system cmag && useradd --system --gid cmag --home-dir /var/lib/cmag --shell /usr/sbin/nologin cmag \
    && mkdir -p /opt/cmag /var/lib/cmag/data /var/lib/cmag/config && chown -R cmag:cmag /var/lib/cmag
COPY --from=build /src/target/lib /opt/cmag/lib
COPY --from=build /src/target/cmag.jar /opt/cmag/cmag.jar
WORKDIR /var/lib/cmag
USER cmag
# Listen on all interfaces inside the container; the host decides what to publish.
ENV GATEWAY_HTTP_HOST=0.0.0.0 \
    GATEWAY_SOAP_HOST=0.0.0.0
VOLUME ["/var/lib/cmag/data"]
EXPOSE 8480 8481 8482
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["java", "-jar", "/opt/cmag/cmag.jar", "health", "--url", "http://127.0.0.1:8480/health"]
ENTRYPOINT ["java", "-jar", "/opt/cmag/cmag.jar"]
CMD ["start"]
