# Every Java image of the course, built in stages from the repository's root. The first stages
# run the JDK (javac, jar, jlink) and are thrown away; the last one, `service`, is what runs: a
# Java runtime of a few modules, the service kit, one service and its start-up cache, on an
# otherwise empty file system (no shell, no package manager).
#
#   docker build --target service --build-arg SERVICE=server -t desafios/server:0.1.0 .
#
# `make build` runs that for each folder of src/services/ (and `--target base` for the base
# alone); each challenge's compose.yaml names the same target in its `build:` sections. The
# build reads only what .dockerignore lets through, needs no network (the jars are in
# src/vendor/), and builds for the CPU of the machine it runs on: the JDK image is that
# machine's, and so are the runtime and the system libraries taken from it below.

# The JDK modules the services use; the runtime holds these (and what they require) only.
ARG MODULES=java.base,java.logging,java.management,java.net.http,java.sql,jdk.httpserver
# The Java release the sources are compiled for: the kit's tests may run them on a JDK 21.
ARG RELEASE=21

# ---- 1. The JDK: compiles and links; none of it reaches the final image.
FROM eclipse-temurin:25-jdk AS jdk
WORKDIR /build

# ---- 2. A Java runtime with only $MODULES: no debug information (Java or native), headers or
# man pages. Its native libraries ship with symbol tables only debuggers read: strip them too.
FROM jdk AS runtime
ARG MODULES
RUN jlink --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
          --output /runtime \
 && if command -v strip >/dev/null; then find /runtime -name '*.so' -exec strip --strip-unneeded {} +; fi \
 && for m in $(echo "$MODULES" | tr , ' '); do \
      /runtime/bin/java --list-modules | grep -q "^$m@" \
        || { echo "error: the jlink runtime lacks module $m"; exit 1; }; \
    done \
 && echo "runtime: $(du -sh /runtime | cut -f1):" $(/runtime/bin/java --list-modules | cut -d@ -f1)

# ---- 3. The third-party jars, each checked against its SHA-256 in src/jars.lock, and the
# service kit (src/kit/) compiled against them: lib/ holds what every service runs with.
FROM jdk AS kit
ARG RELEASE
COPY src/jars.lock src/build/check-jars ./
COPY src/vendor/ vendor/
RUN bash check-jars jars.lock vendor
COPY src/kit/ kit/
RUN javac --release "$RELEASE" -Xlint:all,-serial -Werror -encoding UTF-8 \
          -cp vendor/minimal-json.jar \
          -d classes/kit \
          kit/*.java \
 && mkdir lib \
 && jar --create --file lib/kit.jar -C classes/kit . \
 && cp vendor/minimal-json.jar lib/

# ---- 4. glibc and the few system files Java needs, taken from Debian: the loader and the
# libraries the runtime's programs ask for (src/build/system-libs asks ldd, so no CPU
# architecture is named here), each copied to the same path under /rootfs.
FROM debian:trixie-slim AS os
COPY --from=runtime /runtime/ /opt/java/
COPY src/build/system-libs /usr/local/bin/
RUN mkdir -p /rootfs/etc /rootfs/tmp \
 && libs=$(bash /usr/local/bin/system-libs /opt/java) \
 && for lib in $libs; do cp -L --parents "$lib" /rootfs/; done \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:10001:10001:app:/app:/sbin/nologin\n' > /rootfs/etc/passwd \
 && printf 'root:x:0:\napp:x:10001:\n' > /rootfs/etc/group \
 && echo 'hosts: files dns' > /rootfs/etc/nsswitch.conf \
 && chmod 1777 /rootfs/tmp \
 && echo "system files:" $libs

# ---- 5. The base of every service: the runtime, the kit and minimal-json, on nothing else.
FROM scratch AS base
COPY --from=os /rootfs/ /
COPY --from=runtime /runtime/ /opt/java/
COPY --from=kit /build/lib/ /app/lib/
# The JVM options (src/jvm/*.options), read by every java command below as argument files:
# java @FILE. Why each option: the comments in those files.
COPY src/jvm/ /app/jvm/
# glibc gives each thread that allocates its own memory arena, and keeps what was freed in it;
# two arenas are plenty for a JVM whose Java work runs on the heap.
ENV PATH=/opt/java/bin LANG=C.UTF-8 PORT=8080 MALLOC_ARENA_MAX=2
WORKDIR /app
USER 10001:10001
# service-run.options maps the start-up cache that each service image records (stage 8).
ENTRYPOINT ["java", "@/app/jvm/service.options", "@/app/jvm/service-run.options", \
            "-jar", "/app/service.jar"]
# The healthcheck is a JVM too, started every few seconds: it maps the service's start-up cache
# (same class path, the service jar's manifest names kit.jar) rather than record one of its
# own, which would add megabytes to every image; the cache's pages are those the service
# already reads (figures: docs/performance.md).
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD ["java", "@/app/jvm/healthcheck.options", "@/app/jvm/service-run.options", \
       "-cp", "/app/service.jar", "kit.HealthCheck"]

# ---- 6. The data module (src/data/): PostgreSQL and Redis as the services that keep data use
# them. Compiled against the kit and the drivers into vendor/data.jar, beside the third-party
# jars, where a service's `libraries` file may name it.
FROM kit AS data
ARG RELEASE
COPY src/data/ data/
RUN classpath=lib/kit.jar:lib/minimal-json.jar \
 && for name in jedis commons-pool2 slf4j-api; do classpath="$classpath:vendor/$name.jar"; done \
 && javac --release "$RELEASE" -Xlint:all,-serial -Werror -encoding UTF-8 \
          -cp "$classpath" \
          -d classes/data \
          data/*.java \
 && jar --create --file vendor/data.jar -C classes/data .

# ---- 7. One service (--build-arg SERVICE=NAME, a folder of src/services/) compiled against
# the kit, in a jar whose manifest names its main class and the jars it needs: lib/kit.jar,
# lib/minimal-json.jar and those its `libraries` file lists (names from src/jars.lock, or data).
# The files of its resources/ folder, if it has one (the gateway's dashboard page), go into the
# jar as they are, read with getResourceAsStream.
FROM data AS service-build
ARG RELEASE
ARG SERVICE
RUN test -n "$SERVICE" || { echo "error: say which service: --build-arg SERVICE=NAME"; exit 1; }
COPY src/services/${SERVICE}/ services/${SERVICE}/
RUN libraries=$(grep -hv '^#' "services/$SERVICE/libraries" 2>/dev/null || true) \
 && mkdir -p app/lib \
 && classpath=lib/kit.jar:lib/minimal-json.jar \
 && for name in $libraries; do cp "vendor/$name.jar" app/lib/ && classpath="$classpath:app/lib/$name.jar"; done \
 && javac --release "$RELEASE" -Xlint:all,-serial -Werror -encoding UTF-8 \
          -cp "$classpath" \
          -d "classes/$SERVICE" \
          $(find "services/$SERVICE" -name '*.java') \
 && if [ -d "services/$SERVICE/resources" ]; then \
      cp -R "services/$SERVICE/resources/." "classes/$SERVICE/"; \
    fi \
 && printf 'Main-Class: %s.Main\nClass-Path: %s\n' "$(echo "$SERVICE" | tr -d -)" \
      "$(for name in kit minimal-json $libraries; do printf 'lib/%s.jar ' "$name"; done)" \
      > "classes/$SERVICE.mf" \
 && jar --create --file app/service.jar --manifest "classes/$SERVICE.mf" -C "classes/$SERVICE" .

# ---- 8. The image that runs: the base, the service's jars, and its start-up cache. A training
# run records the JDK's AOT cache (classes loaded, linked and profiled) at build, which the
# ENTRYPOINT then maps at every start. The same JVM options as the ENTRYPOINT: a cache only
# serves a JVM whose class path and GC match the run that recorded it. The training run talks
# to itself on loopback: the build may (and should) run with no network.
FROM base AS service
COPY --from=service-build /build/app/ /app/
USER root
RUN ["java", "@/app/jvm/service.options", "@/app/jvm/service-record.options", \
     "-Dkit.training=true", "-jar", "/app/service.jar"]
USER 10001:10001
