# Cairn's server configuration, applied by `bin/cairn start` with asadmin on every start.
# Every step checks what is there first, so applying it again changes nothing.
#
# Operators can run the same commands by hand (`bin/cairn asadmin ...`) or see the result in the
# admin console: JDBC Resources (jdbc/cairn), Connectors > Connector Resources (cairn/pool/*),
# Configurations > server-config > System Properties (cairn.data.dir).
#
# Inputs (environment): CAIRN_DATA_DIR, CAIRN_BIND, STATE_DIR, CAIRN_DB_URL, CAIRN_DB_USER,
# CAIRN_DB_PASSWORD, CAIRN_LOCAL_SLOTS. Needs the `asadmin` and `log` functions of bin/cairn.

# asadmin separates properties with ':'; a value's own colons are escaped.
asprop() { printf '%s' "$1" | sed 's/[:=]/\\&/g'; }

has_line() { grep -qx -- "$1"; }

configure_server() {
  local marker="$STATE_DIR/server.configured"
  if [[ ! -f "$marker" ]]; then
    log "configuring the server (first start of this domain)"
    # Single node: no Hazelcast data grid. Listeners on $CAIRN_BIND only (loopback by default).
    asadmin set-hazelcast-configuration --enabled=false >/dev/null
    asadmin set "configs.config.server-config.network-config.network-listeners.network-listener.admin-listener.address=127.0.0.1" >/dev/null
    asadmin set-log-levels io.cairn=INFO >/dev/null
    touch "$marker.restart"
    touch "$marker"
  fi
  # Nothing but the HTTP listeners listens beyond loopback: the ORB listeners go to 127.0.0.1, the
  # JMX connector (unused: asadmin and the console use the admin listener) and the JMS broker
  # (unused) are off, and the EJB timer database runs without H2's TCP server (AUTO_SERVER), which
  # would listen on every interface. Domains made before this setting get it once, with a restart.
  if [[ ! -f "$STATE_DIR/server.loopback" ]]; then
    local iiop=configs.config.server-config.iiop-service.iiop-listener
    asadmin set "$iiop.orb-listener-1.address=127.0.0.1" "$iiop.SSL.address=127.0.0.1" \
      "$iiop.SSL_MUTUALAUTH.address=127.0.0.1" \
      "configs.config.server-config.admin-service.jmx-connector.system.enabled=false" \
      "configs.config.server-config.jms-service.type=DISABLED" \
      "resources.jdbc-connection-pool.__TimerPool.property.URL=jdbc:h2:\${com.sun.aas.instanceRoot}/lib/databases/ejbtimer" \
      >/dev/null
    touch "$marker.restart"
    touch "$STATE_DIR/server.loopback"
  fi
  # Host names the portal and API answer to (see HostCheckFilter): loopback names, this machine's
  # names, and whatever CAIRN_ALLOWED_HOSTS adds (comma-separated; * allows any)
  local hosts="localhost,127.0.0.1,[::1],$(hostname -s 2>/dev/null || true),$(hostname -f 2>/dev/null || true)"
  [[ -n "${CAIRN_ALLOWED_HOSTS:-}" ]] && hosts="$hosts,$CAIRN_ALLOWED_HOSTS"
  asadmin create-system-properties "cairn.data.dir=$(asprop "$CAIRN_DATA_DIR"):cairn.http.allowed-hosts=$(asprop "$hosts")" >/dev/null
  # CAIRN_PORT and CAIRN_BIND may change between starts; the listeners follow (a dynamic change)
  asadmin set "configs.config.server-config.network-config.network-listeners.network-listener.http-listener-1.port=$CAIRN_PORT" \
    "configs.config.server-config.network-config.network-listeners.network-listener.http-listener-1.address=$CAIRN_BIND" \
    "configs.config.server-config.network-config.network-listeners.network-listener.http-listener-2.address=$CAIRN_BIND" >/dev/null
  configure_database
  if [[ -f "$marker.restart" ]]; then
    log "restarting the server to apply its configuration"
    asadmin restart-domain --domaindir "$DOMAIN_DIR" "$DOMAIN" >/dev/null
    rm -f "$marker.restart"
  fi
}

# jdbc/cairn: embedded H2 under the data folder by default, MySQL/MariaDB when CAIRN_DB_URL is set.
configure_database() {
  local kind fingerprint
  if [[ -z "${CAIRN_DB_URL:-}" ]]; then
    kind=h2
    fingerprint="h2 $CAIRN_DATA_DIR write-delay-0"
  else
    kind=mysql
    fingerprint="mysql $CAIRN_DB_URL ${CAIRN_DB_USER:-root} $(printf '%s' "${CAIRN_DB_PASSWORD:-}" | sha256sum | cut -c1-16)"
  fi
  if [[ -f "$STATE_DIR/db.fingerprint" && "$(cat "$STATE_DIR/db.fingerprint")" == "$fingerprint" ]] \
     && asadmin list-jdbc-resources 2>/dev/null | has_line jdbc/cairn; then
    return
  fi
  log "configuring the database ($kind)"
  if asadmin list-applications 2>/dev/null | grep -q '^cairn '; then
    asadmin undeploy --cascade=true cairn >/dev/null
    rm -f "$STATE_DIR/deployed.sha256"
  fi
  if asadmin list-jdbc-resources 2>/dev/null | has_line jdbc/cairn; then
    asadmin delete-jdbc-resource jdbc/cairn >/dev/null
  fi
  if asadmin list-jdbc-connection-pools 2>/dev/null | has_line cairn-db; then
    asadmin delete-jdbc-connection-pool cairn-db >/dev/null
  fi
  local common=(--restype javax.sql.DataSource --steadypoolsize 2 --maxpoolsize 32
                --isconnectvalidatereq=true --validationmethod meta-data --failconnection=false)
  if [[ $kind == h2 ]]; then
    mkdir -p "$CAIRN_DATA_DIR/db"
    # WRITE_DELAY=0: H2 otherwise writes commits to its file up to a second late, and a kill -9
    # in that second loses runs that the API had already acknowledged
    asadmin create-jdbc-connection-pool "${common[@]}" --datasourceclassname org.h2.jdbcx.JdbcDataSource \
      --property "URL=$(asprop "jdbc:h2:file:$CAIRN_DATA_DIR/db/cairn;WRITE_DELAY=0")" cairn-db >/dev/null
  else
    # jdbc:mysql://HOST[:PORT]/DATABASE (jdbc:mariadb:// is accepted too)
    local rest host port db
    rest="${CAIRN_DB_URL#jdbc:mysql://}"; rest="${rest#jdbc:mariadb://}"
    [[ "$rest" != "$CAIRN_DB_URL" && "$rest" == */* ]] || { log "CAIRN_DB_URL must look like jdbc:mysql://HOST[:PORT]/DATABASE, was $CAIRN_DB_URL"; return 1; }
    host="${rest%%/*}"; db="${rest#*/}"; db="${db%%\?*}"
    port=3306
    if [[ "$host" == *:* ]]; then port="${host##*:}"; host="${host%%:*}"; fi
    # asadmin reads '' as an empty value (the property itself must exist)
    local password_prop=":password=''"
    if [[ -n "${CAIRN_DB_PASSWORD:-}" ]]; then
      # The password lives in a Payara password alias, never in clear in domain.xml.
      local pwfile rc=0; pwfile="$(umask 077; mktemp)"
      { cat "$ADMIN_PASSFILE" 2>/dev/null; printf 'AS_ADMIN_ALIASPASSWORD=%s\n' "$CAIRN_DB_PASSWORD"; } > "$pwfile"
      asadmin delete-password-alias cairn-db-password >/dev/null 2>&1 || true
      "$(asadmin_bin)" --interactive=false --user admin --passwordfile "$pwfile" --host 127.0.0.1 --port "$CAIRN_ADMIN_PORT" \
        create-password-alias cairn-db-password >/dev/null || rc=$?
      rm -f "$pwfile"
      (( rc == 0 )) || { log "could not store the database password as a password alias"; return 1; }
      password_prop=':password=${ALIAS=cairn-db-password}'
    fi
    asadmin create-jdbc-connection-pool "${common[@]}" --datasourceclassname com.mysql.cj.jdbc.MysqlDataSource \
      --property "serverName=$(asprop "$host"):portNumber=$port:databaseName=$(asprop "$db"):user=$(asprop "${CAIRN_DB_USER:-root}")$password_prop:characterEncoding=UTF-8" \
      cairn-db >/dev/null
  fi
  asadmin create-jdbc-resource --connectionpoolid cairn-db jdbc/cairn >/dev/null
  asadmin ping-connection-pool cairn-db >/dev/null || { log "the database does not answer: check CAIRN_DB_URL/USER/PASSWORD"; return 1; }
  # The batch job repository lives in the same database (on MySQL, Payara needs the schema name).
  if [[ $kind == h2 ]]; then
    asadmin set-batch-runtime-configuration --datasourcelookupname jdbc/cairn >/dev/null
  else
    asadmin set-batch-runtime-configuration --datasourcelookupname jdbc/cairn --schemaname "$db" >/dev/null
  fi
  echo "$fingerprint" > "$STATE_DIR/db.fingerprint"
}

# The `local` pool: a connector connection pool of the resource adapter embedded in the EAR
# (cairn#compute-rar) and its resource cairn/pool/local. Slots default to the number of cores.
configure_pools() {
  local slots="${CAIRN_LOCAL_SLOTS:-$(nproc)}"
  if ! asadmin list-connector-connection-pools 2>/dev/null | has_line cairn-local; then
    log "creating the local pool ($slots slots)"
    asadmin create-connector-connection-pool --raname cairn#compute-rar \
      --connectiondefinition io.cairn.compute.ra.local.LocalConnectionFactory \
      --transactionsupport NoTransaction --steadypoolsize 0 --maxpoolsize 64 \
      --property "poolName=local:slots=$slots:stateDir=$(asprop "$CAIRN_DATA_DIR/pools/local")" cairn-local >/dev/null
  else
    asadmin set "resources.connector-connection-pool.cairn-local.property.slots=$slots" >/dev/null
  fi
  if ! asadmin list-connector-resources 2>/dev/null | has_line cairn/pool/local; then
    asadmin create-connector-resource --poolname cairn-local cairn/pool/local >/dev/null
  fi
}

# A pool of any kind as a connector connection pool `cairn-NAME` of the embedded resource adapter
# and its connector resource `cairn/pool/NAME` (Connectors > Connector Connection Pools in the admin
# console shows and edits its properties). Properties are NAME=VALUE words, as in
# `bin/cairn pool-add hpc slurm mode=cli partition=short slots=64`. A confidential value is best
# given as a password alias reference: jwt='${ALIAS=slurm-jwt}'.
pool_definition_class() {
  case "$1" in
    local) echo io.cairn.compute.ra.local.LocalConnectionFactory ;;
    docker) echo io.cairn.compute.ra.docker.DockerConnectionFactory ;;
    slurm) echo io.cairn.compute.ra.slurm.SlurmConnectionFactory ;;
    gridengine) echo io.cairn.compute.ra.gridengine.GridEngineConnectionFactory ;;
    kubernetes) echo io.cairn.compute.ra.kubernetes.KubernetesConnectionFactory ;;
    *) return 1 ;;
  esac
}

add_pool() {
  local name="$1" kind="$2"; shift 2
  [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$ ]] || { log "pool name '$name' is not valid: letters, digits, '.', '_', '-'"; return 2; }
  local class; class="$(pool_definition_class "$kind")" || { log "unknown pool kind '$kind'; kinds: local docker slurm gridengine kubernetes"; return 2; }
  local props="poolName=$(asprop "$name")" word has_state=0
  for word in "$@"; do
    [[ "$word" == *=* ]] || { log "property '$word' must look like NAME=VALUE"; return 2; }
    [[ "${word%%=*}" == stateDir ]] && has_state=1
    props="$props:${word%%=*}=$(asprop "${word#*=}")"
  done
  (( has_state )) || props="$props:stateDir=$(asprop "$CAIRN_DATA_DIR/pools/$name")"
  local host="${CAIRN_BIND:-127.0.0.1}"; [[ $host == 0.0.0.0 ]] && host=127.0.0.1
  if curl -fsS -o /dev/null --max-time 10 "http://$host:$CAIRN_PORT/api/v1/pools/$name" 2>/dev/null; then
    log "there is already a pool named $name (GET /api/v1/pools/$name)"; return 1
  fi
  if asadmin list-connector-resources 2>/dev/null | has_line "cairn/pool/$name"; then
    log "pool $name exists; remove it first (bin/cairn pool-remove $name) or edit it in the admin console"; return 1
  fi
  asadmin create-connector-connection-pool --raname cairn#compute-rar --connectiondefinition "$class" \
    --transactionsupport NoTransaction --steadypoolsize 0 --maxpoolsize 64 --property "$props" "cairn-$name" >/dev/null
  asadmin create-connector-resource --poolname "cairn-$name" "cairn/pool/$name" >/dev/null
  log "pool $name ($kind) created: connector pool cairn-$name, resource cairn/pool/$name"
}

remove_pool() {
  local name="$1"
  [[ "$name" != local ]] || { log "the local pool is part of every Cairn; set CAIRN_LOCAL_SLOTS to change it"; return 2; }
  asadmin list-connector-resources 2>/dev/null | has_line "cairn/pool/$name" || { log "there is no pool $name made with asadmin"; return 1; }
  asadmin delete-connector-resource "cairn/pool/$name" >/dev/null
  asadmin delete-connector-connection-pool "cairn-$name" >/dev/null
  log "pool $name removed (its running tasks keep running; a pool of the same name and state folder adopts them)"
}
