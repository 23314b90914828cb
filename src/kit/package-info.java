/**
 * The service kit: what every Java service of the course is built on. A service's
 * {@code main} is one call to {@link kit.Service#run}; the rest of this package, by concern:
 *
 * <dl>
 * <dt>The server pipeline (read these first)</dt>
 * <dd>{@code Service} (the public face: routes, readiness, health parts, stop actions),
 * {@code Listeners} (the HttpServers and a graceful stop), {@code RequestId} then
 * {@code AccessLog} then {@code Admission} (the filters every exchange passes, in that
 * order), {@code Dispatch} (route, handle, map errors), {@code Routes} and {@code Handler},
 * {@code Request} and {@code RequestBody}, {@code Fields} (validating a JSON body),
 * {@code Problem} (the one error shape), {@code Responses}, {@code StatusRoutes}
 * ({@code /health}, {@code /ready}, {@code /metrics}).</dd>
 * <dt>Bounds on what clients can make a service hold</dt>
 * <dd>{@code Limits} (every bound, in one place), {@code Admission} and {@code BodyBudget}
 * (load shedding), {@code HttpMethods}, {@code JsonText} (nesting and text checks),
 * {@code PercentDecoder}.</dd>
 * <dt>Logging and metrics</dt>
 * <dd>{@code Log} (one JSON object per line), {@code LogWriter} (one thread writes them),
 * {@code Metrics} (Prometheus text), {@code JvmMetrics} (heap, threads, start time).</dd>
 * <dt>Outgoing calls</dt>
 * <dd>{@code Client} (every HttpClient, with timeouts and the request id),
 * {@code BoundedText} (answers read up to a size), {@code Upstream} (every replica behind a
 * service name, taken in turn, a failed one set aside), {@code CallFailure} (why a call got no
 * answer).</dd>
 * <dt>Process and image</dt>
 * <dd>{@code Config} (environment variables and secret files), {@code JdkDefaults},
 * {@code Tls} (HTTPS from a keystore), {@code HealthCheck} (the container healthcheck).</dd>
 * </dl>
 *
 * <p>Three files exist only for start-up time or throughput, and can be skipped on a first
 * read: {@code Training} (the image build's run that records the AOT cache),
 * {@code PlainHttpOnly} (spares every HttpClient loading the JDK's CA certificates) and
 * {@code LogWriter}'s batching (requests never wait for standard output).
 */
package kit;
