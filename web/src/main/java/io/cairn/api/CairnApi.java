package io.cairn.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/** The REST API's root. Its OpenAPI document is served at {@code /openapi}. */
@ApplicationPath("api")
@OpenAPIDefinition(info = @Info(title = "Cairn API", version = "v1",
        description = "Register CWL tools, upload files, run tools on compute pools, follow runs and fetch their outputs."))
public class CairnApi extends Application {
}
