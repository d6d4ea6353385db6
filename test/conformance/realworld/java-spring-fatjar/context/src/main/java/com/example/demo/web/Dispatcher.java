package com.example.demo.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.minijson.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Finds @GetMapping methods on controllers and answers with their result as JSON. */
public final class Dispatcher implements HttpHandler {
    private final Map<String, Object[]> routes = new TreeMap<>();

    public Dispatcher(Object... controllers) {
        for (Object c : controllers) {
            for (Method m : c.getClass().getMethods()) {
                GetMapping g = m.getAnnotation(GetMapping.class);
                if (g != null) routes.put(g.value(), new Object[] {c, m});
            }
        }
    }

    public Map<String, Object[]> routes() {
        return routes;
    }

    /** The JSON body and status for a path (used by tests without a socket). */
    public Object[] handle(String path) {
        Object[] route = routes.get(path);
        if (route == null) return new Object[] {404, Json.write(Map.of("status", 404, "error", "Not Found", "path", path))};
        try {
            return new Object[] {200, Json.write(((Method) route[1]).invoke(route[0]))};
        } catch (ReflectiveOperationException e) {
            return new Object[] {500, Json.write(Map.of("status", 500, "error", "Internal Server Error"))};
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        Object[] r = handle(ex.getRequestURI().getPath());
        byte[] body = ((String) r[1]).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders((Integer) r[0], body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }
}
