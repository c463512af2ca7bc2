package io.cairn.cwl;

/**
 * The container image a tool runs in. Fields are stored as written; at least one way to obtain
 * the image ({@code dockerPull}, {@code dockerImageId}, {@code dockerLoad}, {@code dockerFile},
 * {@code dockerImport}) is present.
 */
public record DockerRequirement(String dockerPull, String dockerImageId, String dockerLoad, String dockerFile,
                                String dockerImport, String dockerOutputDirectory) {

    /** The image name to run: {@code dockerImageId} if given, else {@code dockerPull}; may be null. */
    public String image() {
        return dockerImageId != null ? dockerImageId : dockerPull;
    }
}
