package io.cairn.api;

import io.cairn.platform.Problem;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Turns a {@link Problem} from the services into a problem document. */
@Provider
public class ProblemMapper implements ExceptionMapper<Problem> {

    @Context
    UriInfo uri;

    @Override
    public Response toResponse(Problem problem) {
        return ProblemJson.response(problem.kind().status(), problem.type(), problem.kind().title(), problem.getMessage(),
                uri == null ? null : uri.getRequestUri().getPath());
    }
}
