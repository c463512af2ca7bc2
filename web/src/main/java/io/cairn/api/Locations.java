package io.cairn.api;

import io.cairn.files.boundary.FileStore;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Makes the file locations Cairn stores ({@code /api/v1/files/ID}) absolute for the caller. */
final class Locations {

    private Locations() {
    }

    static String absolute(UriInfo uri, String location) {
        if (location != null && location.startsWith(FileStore.LOCATION_PREFIX)) {
            String base = uri.getBaseUri().toString();
            // the base URI ends with "/api/"
            return base.substring(0, base.length() - "/api/".length()) + location;
        }
        return location;
    }

    /** Copies a CWL value, making every File's location absolute. */
    static Object absolutize(UriInfo uri, Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k),
                    "location".equals(k) && v instanceof String s ? absolute(uri, s) : absolutize(uri, v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(absolutize(uri, v)));
            return out;
        }
        return value;
    }
}
