package org.stakegraph.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.server.CommunityBootstrapper;
import org.stakegraph.launcher.browser.BrowserFiles;

/**
 * Runs Neo4j Community in this JVM with the settings stakegraph passes on the command line.
 *
 * <p>Usage: {@code Main HOME_DIR PASSWORD_FILE key=value...}. Every {@code key=value} pair is a
 * Neo4j setting. The password for the {@code neo4j} user is read from PASSWORD_FILE and applied
 * on every start, so the file in the data directory is always the truth.
 */
public final class Main {
    static final String READY_FILE = "stakegraph-ready";
    /** Where stakegraph puts the Browser style and guide that {@link BrowserFiles} serves. */
    static final String BROWSER_FOLDER = "browser";

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Main HOME_DIR PASSWORD_FILE [setting=value ...]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        String password = readPassword(Path.of(args[1]));
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                System.err.println("not a setting (expected key=value): " + args[i]);
                System.exit(2);
            }
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }

        Files.deleteIfExists(home.resolve(READY_FILE));
        BrowserFiles.serveFrom(home.resolve(BROWSER_FOLDER));
        CommunityBootstrapper server = new CommunityBootstrapper();
        int status = server.start(home, settings);
        if (status != 0 || server.getDatabaseManagementService() == null) {
            System.err.println("Neo4j did not start (status " + status + "); see " + home.resolve("logs"));
            System.exit(status == 0 ? 1 : status);
        }
        applyPassword(server, password);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(home.resolve(READY_FILE));
            } catch (IOException ignored) {
                // best effort: a stale file is ignored because its pid no longer matches
            }
            server.stop();
            stopped.countDown();
        }, "stakegraph-neo4j-shutdown"));
        // The ready file tells stakegraph that Bolt is up *and* the password has been applied.
        Files.writeString(home.resolve(READY_FILE), Long.toString(ProcessHandle.current().pid()));
        System.out.println("stakegraph-launcher: ready");
        System.out.flush();
        stopped.await();
    }

    private static String readPassword(Path file) throws IOException {
        String password = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (password.length() < 8) {
            throw new IllegalArgumentException("password in " + file + " must have at least 8 characters");
        }
        return password;
    }

    /** Sets the neo4j user's password through the system database, which the embedded API may do. */
    private static void applyPassword(CommunityBootstrapper server, String password) {
        var system = server.getDatabaseManagementService().database("system");
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            // Neo4j refuses to "change" a password to the value it already has: that is success.
            if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }
}
