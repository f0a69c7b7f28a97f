package org.cmag.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Connections that die at the n-th database interaction (a statement's execution, or the commit), as a process kill or a
 * database crash at that point would leave them: the transaction never commits. Used with {@link Database#decorated} to
 * show that a recorder's transaction is all or nothing at every point.
 */
final class CrashingConnections implements UnaryOperator<Connection> {
    private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate", "executeBatch", "executeLargeUpdate",
            "executeLargeBatch");

    private final int crashAt;
    private final AtomicInteger seen = new AtomicInteger();

    /** Crash at interaction {@code crashAt} (1-based); 0 never crashes and only counts. */
    CrashingConnections(int crashAt) {
        this.crashAt = crashAt;
    }

    /** How many interactions were seen (statements executed and commits). */
    int seen() {
        return seen.get();
    }

    /** Whether the crash happened (the work had at least {@code crashAt} interactions). */
    boolean crashed() {
        return crashAt > 0 && seen.get() >= crashAt;
    }

    private void step(String what) throws SQLException {
        if (seen.incrementAndGet() == crashAt) {
            throw new SQLException("injected crash at database interaction " + crashAt + " (" + what + ")", "08006");
        }
    }

    @Override
    public Connection apply(Connection real) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            if (method.getName().equals("commit")) {
                step("commit");
            }
            Object result = invoke(real, method, args);
            if (result instanceof Statement s) {
                return statement(s);
            }
            return result;
        });
    }

    private Object statement(Statement real) {
        Class<?>[] types = real instanceof java.sql.PreparedStatement ? new Class<?>[] {java.sql.PreparedStatement.class}
                : new Class<?>[] {Statement.class};
        InvocationHandler h = (proxy, method, args) -> {
            if (EXECUTIONS.contains(method.getName())) {
                step(method.getName());
            }
            return invoke(real, method, args);
        };
        return Proxy.newProxyInstance(getClass().getClassLoader(), types, h);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
