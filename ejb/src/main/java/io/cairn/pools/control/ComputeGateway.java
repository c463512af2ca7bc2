package io.cairn.pools.control;

import io.cairn.compute.ComputeConnection;
import io.cairn.compute.ComputeConnectionFactory;
import io.cairn.platform.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NameClassPair;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;

/**
 * Finds pools: each pool is a connector resource bound at {@code cairn/pool/<name>}, created by
 * {@code server-config/} with asadmin (and visible in the admin console).
 */
@ApplicationScoped
public class ComputeGateway {

    /** The JNDI context pools are bound under. */
    public static final String POOL_CONTEXT = "cairn/pool";

    private static final Logger LOG = Logger.getLogger(ComputeGateway.class.getName());

    /** The names of the pools bound now, sorted. */
    public List<String> poolNames() {
        List<String> names = new ArrayList<>();
        try {
            InitialContext ctx = new InitialContext();
            NamingEnumeration<NameClassPair> entries = ctx.list(POOL_CONTEXT);
            while (entries.hasMore()) {
                String name = entries.next().getName();
                // Payara also binds a non-transactional twin of every resource as NAME__pm
                if (!name.endsWith("__pm") && !name.endsWith("__nontx")) {
                    names.add(name);
                }
            }
        } catch (NamingException e) {
            LOG.log(Level.FINE, "no pools bound under " + POOL_CONTEXT, e);
        }
        names.sort(String::compareTo);
        return names;
    }

    public boolean exists(String pool) {
        return lookup(pool) != null;
    }

    /**
     * Opens a connection to a pool; close it with try-with-resources. A pool that is not bound
     * (removed, or not yet recreated after a redeploy) is a {@link Problem.Kind#UNAVAILABLE}.
     */
    public ComputeConnection connect(String pool) {
        ComputeConnectionFactory factory = lookup(pool);
        if (factory == null) {
            throw new Problem(Problem.Kind.UNAVAILABLE, "pool '" + pool + "' is not available now; pools: " + String.join(", ", poolNames()));
        }
        return factory.getConnection();
    }

    private ComputeConnectionFactory lookup(String pool) {
        if (pool == null || !pool.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            return null;
        }
        try {
            Object bound = new InitialContext().lookup(POOL_CONTEXT + "/" + pool);
            return bound instanceof ComputeConnectionFactory factory ? factory : null;
        } catch (NamingException e) {
            return null;
        }
    }
}
