package io.cairn.compute.ra.kubernetes;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ra.Backend;
import io.cairn.compute.ra.ComputeConnectionFactoryHandle;
import io.cairn.compute.ra.ComputeConnectionHandle;
import io.cairn.compute.ra.ComputeManagedConnectionFactory;
import io.cairn.compute.ra.Secrets;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A pool of Kubernetes Jobs in one namespace. Create one with
 * {@code asadmin create-connector-connection-pool --raname <app>#compute-rar --connectiondefinition
 * io.cairn.compute.ra.kubernetes.KubernetesConnectionFactory --property
 * namespace=cairn:claimName=cairn-work:mountPath=/srv/cairn:slots=8 k8s-pool}.
 *
 * <p>The defaults suit a Cairn server that runs as a pod of the cluster: the API server's in-cluster address, the
 * pod's service account token and CA certificate. The server must see the claim's content at {@code mountPath}
 * (the same path at which the pods mount it), since it prepares the work folders and reads the output files there.
 */
@ConnectionDefinition(
        connectionFactory = KubernetesConnectionFactory.class,
        connectionFactoryImpl = KubernetesConnectionFactoryHandle.class,
        connection = ComputeConnection.class,
        connectionImpl = ComputeConnectionHandle.class)
public class KubernetesManagedConnectionFactory extends ComputeManagedConnectionFactory {

    private static final long serialVersionUID = 1L;
    private static final String DEFAULT_POOL_NAME = "kubernetes";
    private static final int DEFAULT_SLOTS = 4;
    private static final String DEFAULT_NAMESPACE = "default";
    private static final String DEFAULT_MASTER_URL = "https://kubernetes.default.svc";
    private static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
    private static final String DEFAULT_TOKEN_FILE = SERVICE_ACCOUNT_DIR + "/token";
    private static final String DEFAULT_CA_CERT_FILE = SERVICE_ACCOUNT_DIR + "/ca.crt";
    private static final String DEFAULT_CLAIM_NAME = "cairn-work";
    private static final String DEFAULT_MOUNT_PATH = "/var/lib/cairn";
    private static final String DEFAULT_IMAGE = "busybox:1.36";

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_POOL_NAME,
            description = "Name of the pool: labels its Jobs (cairn.io/pool), starts their names and names the"
                    + " default state folder. Two pools in one namespace need different names.")
    private String poolName = DEFAULT_POOL_NAME;

    @ConfigProperty(type = Integer.class, defaultValue = "" + DEFAULT_SLOTS,
            description = "How many of the pool's Jobs may run at once; further tasks wait as suspended Jobs and"
                    + " are resumed in submission order.")
    private Integer slots = DEFAULT_SLOTS;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_NAMESPACE,
            description = "Namespace of the pool's Jobs; the claim must be in it too.")
    private String namespace = DEFAULT_NAMESPACE;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_MASTER_URL,
            description = "URL of the Kubernetes API server. No kubeconfig file or environment variable is read.")
    private String masterUrl = DEFAULT_MASTER_URL;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_TOKEN_FILE,
            description = "File holding the bearer token, read at every request (so a rotated token is used at"
                    + " once) and never logged. A missing file means no token.")
    private String tokenFile = DEFAULT_TOKEN_FILE;

    @ConfigProperty(type = String.class, confidential = true,
            description = "The bearer token itself, instead of tokenFile: give it as a password alias"
                    + " (${ALIAS=name}) or, for pools made through the API, under secrets. Never logged or shown.")
    private String token;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_CA_CERT_FILE,
            description = "PEM file of the certificate authority of the API server; when the file does not exist"
                    + " the JDK's trusted authorities are used.")
    private String caCertFile = DEFAULT_CA_CERT_FILE;

    @ConfigProperty(type = Boolean.class, defaultValue = "false",
            description = "Accept any certificate of the API server. For tests only.")
    private Boolean trustCerts = false;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_CLAIM_NAME,
            description = "PersistentVolumeClaim holding the work folders, mounted read-write into every pod at"
                    + " mountPath.")
    private String claimName = DEFAULT_CLAIM_NAME;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_MOUNT_PATH,
            description = "Where the claim is mounted in the pods, which must be where the Cairn server sees the"
                    + " same files. Every path of a task (work folder, stdin, stdout, stderr, inputs) must lie"
                    + " under it.")
    private String mountPath = DEFAULT_MOUNT_PATH;

    @ConfigProperty(type = String.class, defaultValue = DEFAULT_IMAGE,
            description = "Image of tasks that name none. Every image needs /bin/sh, which opens the task's"
                    + " standard streams.")
    private String defaultImage = DEFAULT_IMAGE;

    @ConfigProperty(type = String.class,
            description = "Folder holding the results of finished tasks (their Jobs are deleted); it must survive"
                    + " server restarts. Default: <java.io.tmpdir>/cairn-compute/<poolName>.")
    private String stateDir;

    @ConfigProperty(type = String.class,
            description = "Service account of the pods. Default: none, and no service account token is mounted"
                    + " into them.")
    private String serviceAccount;

    public String getPoolName() {
        return poolName;
    }

    public void setPoolName(String poolName) {
        this.poolName = blank(poolName) ? DEFAULT_POOL_NAME : poolName.trim();
    }

    public Integer getSlots() {
        return slots;
    }

    public void setSlots(Integer slots) {
        this.slots = slots == null ? DEFAULT_SLOTS : slots;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = blank(namespace) ? DEFAULT_NAMESPACE : namespace.trim();
    }

    public String getMasterUrl() {
        return masterUrl;
    }

    public void setMasterUrl(String masterUrl) {
        this.masterUrl = blank(masterUrl) ? DEFAULT_MASTER_URL : masterUrl.trim();
    }

    public String getToken() {
        return token;
    }

    public void setToken(String token) {
        this.token = blank(token) ? null : token;
    }

    public String getTokenFile() {
        return tokenFile;
    }

    public void setTokenFile(String tokenFile) {
        this.tokenFile = blank(tokenFile) ? DEFAULT_TOKEN_FILE : tokenFile.trim();
    }

    public String getCaCertFile() {
        return caCertFile;
    }

    public void setCaCertFile(String caCertFile) {
        this.caCertFile = blank(caCertFile) ? DEFAULT_CA_CERT_FILE : caCertFile.trim();
    }

    public Boolean getTrustCerts() {
        return trustCerts;
    }

    public void setTrustCerts(Boolean trustCerts) {
        this.trustCerts = trustCerts != null && trustCerts;
    }

    public String getClaimName() {
        return claimName;
    }

    public void setClaimName(String claimName) {
        this.claimName = blank(claimName) ? DEFAULT_CLAIM_NAME : claimName.trim();
    }

    public String getMountPath() {
        return mountPath;
    }

    public void setMountPath(String mountPath) {
        this.mountPath = blank(mountPath) ? DEFAULT_MOUNT_PATH : mountPath.trim();
    }

    public String getDefaultImage() {
        return defaultImage;
    }

    public void setDefaultImage(String defaultImage) {
        this.defaultImage = blank(defaultImage) ? DEFAULT_IMAGE : defaultImage.trim();
    }

    public String getStateDir() {
        return stateDir;
    }

    /** A blank value means the default. */
    public void setStateDir(String stateDir) {
        this.stateDir = blank(stateDir) ? null : stateDir.trim();
    }

    public String getServiceAccount() {
        return serviceAccount;
    }

    /** A blank value means none. */
    public void setServiceAccount(String serviceAccount) {
        this.serviceAccount = blank(serviceAccount) ? null : serviceAccount.trim();
    }

    /** The state folder in use: the configured one, or one per pool name under the temporary folder. */
    public Path effectiveStateDir() {
        Path dir = stateDir != null ? Path.of(stateDir)
                : Path.of(System.getProperty("java.io.tmpdir"), "cairn-compute",
                        poolName.replaceAll("[^A-Za-z0-9._-]", "_"));
        return dir.toAbsolutePath().normalize();
    }

    private Path effectiveMountPath() {
        return Path.of(mountPath).toAbsolutePath().normalize();
    }

    @Override
    public String kind() {
        return KubernetesBackend.KIND;
    }

    @Override
    public Map<String, Object> configuration() {
        Map<String, Object> configuration = new LinkedHashMap<>();
        configuration.put("poolName", poolName);
        configuration.put("slots", slots);
        configuration.put("namespace", namespace);
        configuration.put("masterUrl", masterUrl);
        configuration.put("tokenFile", tokenFile);
        // only a digest: the configuration is compared and may be logged, the token never is
        configuration.put("token", Secrets.digest(token));
        configuration.put("caCertFile", caCertFile);
        configuration.put("trustCerts", trustCerts);
        configuration.put("claimName", claimName);
        configuration.put("mountPath", effectiveMountPath().toString());
        configuration.put("defaultImage", defaultImage);
        configuration.put("stateDir", effectiveStateDir().toString());
        configuration.put("serviceAccount", serviceAccount == null ? "" : serviceAccount);
        return Map.copyOf(configuration);
    }

    /** The pool's Jobs in one namespace of one API server (their label) are what the backend owns. */
    @Override
    protected String backendIdentity() {
        return KubernetesBackend.KIND + ":" + masterUrl + ":" + namespace + ":" + poolName;
    }

    @Override
    protected Backend createBackend(Executor executor) {
        return new KubernetesBackend(new KubernetesBackend.Settings(poolName, slots, namespace, masterUrl,
                Path.of(tokenFile), Path.of(caCertFile), trustCerts, claimName, effectiveMountPath(), defaultImage,
                effectiveStateDir(), serviceAccount, token));
    }

    @Override
    protected ComputeConnectionFactoryHandle createConnectionFactoryHandle(ConnectionManager manager) {
        return new KubernetesConnectionFactoryHandle(this, manager);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
