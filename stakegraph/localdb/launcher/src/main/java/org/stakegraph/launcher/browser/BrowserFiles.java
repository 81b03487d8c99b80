package org.stakegraph.launcher.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.PathParam;
import javax.ws.rs.core.Response;

/**
 * Serves stakegraph's Neo4j Browser style and guide from Neo4j's own HTTP connector, so that
 * {@code browser.post_connect_cmd} can apply the style and open the guide on login ({@code :style}
 * and {@code :play} fetch them by URL from the same origin as Browser).
 *
 * <p>Mounted as an unmanaged extension ({@code server.unmanaged_extension_classes}); the path is
 * on the HTTP auth allowlist, since Browser fetches these without credentials. Only the two
 * named files are served, read from the folder the launcher was given.
 */
@javax.ws.rs.Path("/")
public class BrowserFiles {
    private static final Map<String, String> TYPES = Map.of(
            "stakegraph.grass", "text/plain; charset=utf-8",
            "stakegraph-guide.html", "text/html; charset=utf-8");

    private static volatile Path folder;

    /** Sets the folder holding the files; called once by the launcher before Neo4j starts. */
    public static void serveFrom(Path dir) {
        folder = dir;
    }

    @GET
    @javax.ws.rs.Path("{name}")
    public Response file(@PathParam("name") String name) {
        String type = TYPES.get(name);
        Path dir = folder;
        if (type == null || dir == null) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        try {
            return Response.ok(Files.readAllBytes(dir.resolve(name)), type)
                    .header("Cache-Control", "no-cache")
                    .build();
        } catch (IOException e) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
    }
}
