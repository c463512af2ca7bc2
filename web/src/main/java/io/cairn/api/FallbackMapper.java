package io.cairn.api;

import io.cairn.platform.Problem;
import jakarta.ejb.EJBException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every other failure becomes a problem document too: JAX-RS's own (unknown path, wrong media
 * type) keep their status; anything unexpected is a 500 whose detail names an incident id that
 * is also in the server log, and nothing else (no stack trace, no internals).
 */
@Provider
public class FallbackMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(FallbackMapper.class.getName());

    @Context
    UriInfo uri;

    @Override
    public Response toResponse(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof EJBException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String path = uri == null ? null : uri.getRequestUri().getPath();
        if (cause instanceof Problem problem) {
            return ProblemJson.response(problem.kind().status(), problem.kind().title(), problem.getMessage(), path);
        }
        if (cause instanceof WebApplicationException web) {
            Response.StatusType status = web.getResponse().getStatusInfo();
            return ProblemJson.response(status.getStatusCode(), status.getReasonPhrase(), web.getMessage(), path);
        }
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "incident " + incident + " on " + path, failure);
        return ProblemJson.response(500, "Internal Server Error",
                "Cairn failed unexpectedly; the server log has the details under incident " + incident, path);
    }
}
