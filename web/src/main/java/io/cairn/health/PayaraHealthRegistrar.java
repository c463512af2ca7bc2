package io.cairn.health;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Hands readiness checks to Payara's MicroProfile Health service at run time.
 *
 * <p>MicroProfile Health has no API for checks that appear after deployment; Payara's implementation keeps its
 * checks in a registry keyed by application name and has public methods to add and remove a key's checks, which is
 * what its own CDI extension calls at deployment. This class reaches that service through the server's service
 * locator by reflection, so the EAR has no compile-time tie to Payara internals and deploys on a server without it;
 * there {@link #find()} is empty and the pools stay visible through the {@code pools} check alone. See
 * docs/adr/0007-one-readiness-check-per-pool.md.
 */
final class PayaraHealthRegistrar implements PoolHealthChecks.Registrar {

    private static final Logger LOG = Logger.getLogger(PayaraHealthRegistrar.class.getName());
    private static final String SERVICE = "fish.payara.microprofile.healthcheck.HealthCheckService";
    private static final String GLOBALS = "org.glassfish.internal.api.Globals";

    private final Object service;
    private final Method register;
    private final Method unregister;
    private final Object readiness;

    private PayaraHealthRegistrar(Object service, Method register, Method unregister, Object readiness) {
        this.service = service;
        this.register = register;
        this.unregister = unregister;
        this.readiness = readiness;
    }

    /** The registrar of the server this runs in, or empty when it is not a Payara with MicroProfile Health. */
    static Optional<PoolHealthChecks.Registrar> find() {
        try {
            // the builder comes from the server's health module, whose class loader sees the service and the locator
            ClassLoader module = HealthCheckResponse.builder().getClass().getClassLoader();
            Class<?> serviceClass = Class.forName(SERVICE, true, module);
            Object locator = Class.forName(GLOBALS, true, module).getMethod("getDefaultBaseServiceLocator")
                    .invoke(null);
            Method getService = publicMethod(locator.getClass(), "getService", Class.class, Annotation[].class);
            Object service = getService.invoke(locator, serviceClass, new Annotation[0]);
            if (service == null) {
                return Optional.empty();
            }
            Method register = null;
            for (Method method : serviceClass.getMethods()) {
                if (method.getName().equals("registerHealthCheck") && method.getParameterCount() == 3
                        && method.getParameterTypes()[0] == String.class
                        && method.getParameterTypes()[1] == HealthCheck.class
                        && method.getParameterTypes()[2].isEnum()) {
                    register = method;
                }
            }
            if (register == null) {
                return Optional.empty();
            }
            Method unregister = serviceClass.getMethod("unregisterHealthCheck", String.class);
            Object readiness = enumConstant(register.getParameterTypes()[2], "READINESS");
            return Optional.of(new PayaraHealthRegistrar(service, register, unregister, readiness));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.INFO, "no run-time health registry in this server; pools are reported by the 'pools'"
                    + " check only", e);
            return Optional.empty();
        }
    }

    @Override
    public boolean register(String key, HealthCheck check) {
        try {
            register.invoke(service, key, check, readiness);
            return true;
        } catch (IllegalAccessException | InvocationTargetException e) {
            LOG.log(Level.WARNING, "the server did not take the health check " + key, e);
            return false;
        }
    }

    @Override
    public void unregister(String key) {
        try {
            unregister.invoke(service, key);
        } catch (IllegalAccessException | InvocationTargetException e) {
            LOG.log(Level.WARNING, "the server did not withdraw the health check " + key, e);
        }
    }

    private static Object enumConstant(Class<?> type, String name) {
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equals(name)) {
                return constant;
            }
        }
        throw new IllegalStateException(type.getName() + " has no constant " + name);
    }

    /** The method as declared by a public class or interface of the object, so that it can be invoked. */
    private static Method publicMethod(Class<?> type, String name, Class<?>... parameters)
            throws NoSuchMethodException {
        Deque<Class<?>> todo = new ArrayDeque<>();
        todo.add(type);
        while (!todo.isEmpty()) {
            Class<?> next = todo.poll();
            if (Modifier.isPublic(next.getModifiers())) {
                try {
                    return next.getMethod(name, parameters);
                } catch (NoSuchMethodException e) {
                    // look further up
                }
            }
            if (next.getSuperclass() != null) {
                todo.add(next.getSuperclass());
            }
            todo.addAll(java.util.List.of(next.getInterfaces()));
        }
        throw new NoSuchMethodException(type.getName() + "." + name);
    }
}
