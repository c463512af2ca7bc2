package io.cairn.security;

import io.cairn.platform.JsonValues;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers only requests addressed to a host name Cairn is known by. A web page elsewhere can
 * make a browser send requests to Cairn under a name of its own that resolves to Cairn's address
 * (DNS rebinding); without this check it could then use the API as if it were the portal.
 * Setting {@code cairn.http.allowed-hosts} to {@code *} turns the check off.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class HostCheckFilter extends HttpFilter {

    /** Looked up once (see {@link JsonValues#provider()}). */
    private static final JsonProvider JSON = JsonValues.provider();

    private static final long serialVersionUID = 1L;

    @Inject
    @ConfigProperty(name = "cairn.http.allowed-hosts")
    String allowedHosts;

    private Set<String> allowed;

    @Override
    public void init() {
        allowed = Arrays.stream(allowedHosts.split(","))
                .map(String::trim).filter(h -> !h.isEmpty())
                .map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String host = request.getServerName() == null ? "" : request.getServerName().toLowerCase(Locale.ROOT);
        if (allowed.contains("*") || allowed.contains(host) || allowed.contains("[" + host + "]")) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/problem+json");
        response.getWriter().write(JSON.createObjectBuilder()
                .add("type", "about:blank")
                .add("title", "Forbidden")
                .add("status", 403)
                .add("detail", "Cairn does not answer requests for host '" + host + "'; an operator can allow it"
                        + " with CAIRN_ALLOWED_HOSTS (the setting cairn.http.allowed-hosts)")
                .build().toString());
    }
}
