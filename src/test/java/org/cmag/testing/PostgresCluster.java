package org.cmag.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of the test's own, on its own loopback port: the outage tests stop and start it (never the
 * machine's cluster on 5432). Created with the machine's server binaries ({@code /usr/lib/postgresql/<major>/bin}),
 * run as the OS user {@code postgres} (the server refuses to run as root), trust authentication, fsync on.
 */
public final class PostgresCluster implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgres;

    private PostgresCluster(Path bin, Path dir, int port, boolean asPostgres) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** The server binaries of the newest installed major version, or null when PostgreSQL is not installed here. */
    public static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether a cluster can be created here (server binaries present). */
    public static boolean available() {
        return binaries() != null;
    }

    /** Creates (initdb) a new cluster in a fresh directory under the system temp dir, on a free port; not yet started. */
    public static PostgresCluster create(String name) {
        Path bin = binaries();
        if (bin == null) {
            throw new IllegalStateException("PostgreSQL server binaries not found under /usr/lib/postgresql");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory("cmag-pg-" + name + "-");
            if (root) {
                run(List.of("chown", "-R", "postgres:postgres", dir.toString()), 30);
            }
            PostgresCluster cluster = new PostgresCluster(bin, dir, freePort(), root);
            cluster.pg(60, bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres",
                    "--no-instructions", "-E", "UTF8");
            Files.writeString(dir.resolve("data/postgresql.conf"), "\nlisten_addresses = '127.0.0.1'\nport = " + cluster.port
                    + "\nunix_socket_directories = '" + dir + "'\nmax_connections = 60\nfsync = on\nlogging_collector = off\n",
                    java.nio.file.StandardOpenOption.APPEND);
            return cluster;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a PostgreSQL cluster: " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    /** JDBC URL of {@code database} on this cluster. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Starts the server and waits until it accepts connections. */
    public void start() {
        pg(120, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "60", "start");
    }

    /** Stops the server: {@code fast} (clients disconnected, clean shutdown) or {@code immediate} (like a crash). */
    public void stop(boolean immediate) {
        pg(120, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", immediate ? "immediate" : "fast", "-w",
                "stop");
    }

    /**
     * Freezes the server like a hung host: SIGSTOP to the postmaster and each of its processes (by pid). Connections
     * stay open and nothing answers, neither on them nor to new ones. {@link #thaw()} continues it.
     */
    public void freeze() {
        signal("STOP");
    }

    /** Continues a frozen server (SIGCONT to the same processes). */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String sig) {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + sig));
        cmd.addAll(serverPids());
        run(cmd, 30);
    }

    /** The postmaster's pid (first line of postmaster.pid) and those of its child processes (from /proc). */
    private List<String> serverPids() {
        try {
            String postmaster = Files.readAllLines(dir.resolve("data/postmaster.pid")).get(0).trim();
            List<String> pids = new ArrayList<>(List.of(postmaster));
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    try {
                        String stat = Files.readString(p.resolve("stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        if (fields.length > 1 && fields[1].equals(postmaster)) {
                            pids.add(p.getFileName().toString());
                        }
                    } catch (IOException gone) {
                        // the process ended meanwhile
                    }
                }
            }
            return pids;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot find the server's processes: " + e.getMessage(), e);
        }
    }

    public boolean running() {
        return Files.exists(dir.resolve("data/postmaster.pid"));
    }

    /** Creates a database (as the superuser postgres). */
    public void createDatabase(String name) {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "")) {
            c.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("CREATE DATABASE " + name + ": " + e.getMessage(), e);
        }
    }

    /** The server log (for failure messages). */
    public String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    /** Stops the server (immediate) if it runs and deletes the cluster's directory. */
    @Override
    public void close() {
        if (running()) {
            try {
                thaw(); // a frozen server does not stop
            } catch (RuntimeException ignored) {
                // stopping anyway
            }
            try {
                stop(true);
            } catch (RuntimeException ignored) {
                // deleting anyway
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind
        }
    }

    private void pg(int timeoutSeconds, String... command) {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(List.of(command));
        run(cmd, timeoutSeconds);
    }

    private static void run(List<String> cmd, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
