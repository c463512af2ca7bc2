package io.cairn.compute.ra;

import io.cairn.compute.ComputeConnectionFactory;
import io.cairn.compute.PoolKinds;
import io.cairn.compute.ra.docker.DockerManagedConnectionFactory;
import io.cairn.compute.ra.gridengine.GridEngineManagedConnectionFactory;
import io.cairn.compute.ra.kubernetes.KubernetesManagedConnectionFactory;
import io.cairn.compute.ra.local.LocalManagedConnectionFactory;
import io.cairn.compute.ra.slurm.SlurmManagedConnectionFactory;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConfigProperty;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * Pools made at run time from a kind and its properties, as the container would make them from a connector
 * connection pool: the kind's managed connection factory gets each property through its setter, is associated with
 * the running adapter (so it shares the adapter's backends), and hands out connections without container pooling
 * (managed connections are cheap; the backend behind them is shared).
 */
final class RuntimePools implements PoolKinds {

    private static final Map<String, Supplier<ComputeManagedConnectionFactory>> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("docker", DockerManagedConnectionFactory::new);
        KINDS.put("gridengine", GridEngineManagedConnectionFactory::new);
        KINDS.put("kubernetes", KubernetesManagedConnectionFactory::new);
        KINDS.put("local", LocalManagedConnectionFactory::new);
        KINDS.put("slurm", SlurmManagedConnectionFactory::new);
    }

    private final ComputeResourceAdapter adapter;
    private final Map<ComputeConnectionFactory, ComputeManagedConnectionFactory> made = new WeakHashMap<>();

    RuntimePools(ComputeResourceAdapter adapter) {
        this.adapter = adapter;
    }

    @Override
    public List<String> kinds() {
        return KINDS.keySet().stream().sorted().toList();
    }

    @Override
    public List<Property> properties(String kind) {
        List<Property> properties = new ArrayList<>();
        for (Field field : configFields(newFactory(kind).getClass())) {
            ConfigProperty annotation = field.getAnnotation(ConfigProperty.class);
            String defaultValue = annotation.defaultValue().isEmpty() ? null : annotation.defaultValue();
            properties.add(new Property(field.getName(), typeName(field.getType()), defaultValue,
                    annotation.description().length == 0 ? "" : String.join(" ", annotation.description()),
                    annotation.confidential()));
        }
        return properties;
    }

    @Override
    public ComputeConnectionFactory create(String kind, Map<String, String> properties) {
        ComputeManagedConnectionFactory factory = newFactory(kind);
        Map<String, Field> fields = new LinkedHashMap<>();
        for (Field field : configFields(factory.getClass())) {
            fields.put(field.getName(), field);
        }
        properties.forEach((name, value) -> {
            Field field = fields.get(name);
            if (field == null) {
                throw new IllegalArgumentException("a " + kind + " pool has no property '" + name + "'; its properties: "
                        + String.join(", ", fields.keySet()));
            }
            set(factory, field, value);
        });
        try {
            factory.setResourceAdapter(adapter);
        } catch (ResourceException e) {
            throw new IllegalStateException(e);
        }
        ComputeConnectionFactory handle = (ComputeConnectionFactory) factory.createConnectionFactory();
        synchronized (made) {
            made.put(handle, factory);
        }
        return handle;
    }

    @Override
    public void release(ComputeConnectionFactory handle) {
        ComputeManagedConnectionFactory factory;
        synchronized (made) {
            factory = made.remove(handle);
        }
        if (factory != null) {
            adapter.release(factory.backendIdentity());
        }
    }

    private static ComputeManagedConnectionFactory newFactory(String kind) {
        Supplier<ComputeManagedConnectionFactory> supplier = kind == null ? null : KINDS.get(kind);
        if (supplier == null) {
            throw new IllegalArgumentException("unknown pool kind '" + kind + "'; kinds: " + String.join(", ",
                    KINDS.keySet().stream().sorted().toList()));
        }
        return supplier.get();
    }

    private static List<Field> configFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.isAnnotationPresent(ConfigProperty.class)) {
                    fields.add(field);
                }
            }
        }
        return fields;
    }

    private static void set(ComputeManagedConnectionFactory factory, Field field, String text) {
        String name = field.getName();
        Object value;
        try {
            value = convert(field.getType(), text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("property '" + name + "' must be " + article(field.getType()) + ", was '"
                    + text + "'");
        }
        String setter = "set" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
        try {
            Method method = factory.getClass().getMethod(setter, field.getType());
            method.invoke(factory, value);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException(factory.getClass().getName() + " has no public " + setter, e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalArgumentException("property '" + name + "': " + cause.getMessage(), cause);
        }
    }

    private static Object convert(Class<?> type, String text) {
        if (text == null) {
            return null;
        }
        String trimmed = text.trim();
        if (type == String.class) {
            return text;
        } else if (type == Integer.class) {
            return Integer.valueOf(trimmed);
        } else if (type == Long.class) {
            return Long.valueOf(trimmed);
        } else if (type == Double.class) {
            return Double.valueOf(trimmed);
        } else if (type == Boolean.class) {
            if (!trimmed.equalsIgnoreCase("true") && !trimmed.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(trimmed);
            }
            return Boolean.valueOf(trimmed);
        }
        throw new IllegalStateException("unsupported property type " + type.getName());
    }

    private static String typeName(Class<?> type) {
        return type.getSimpleName();
    }

    private static String article(Class<?> type) {
        return switch (type.getSimpleName()) {
            case "Integer" -> "an integer";
            case "Long" -> "an integer";
            case "Double" -> "a number";
            case "Boolean" -> "true or false";
            default -> "text";
        };
    }
}
