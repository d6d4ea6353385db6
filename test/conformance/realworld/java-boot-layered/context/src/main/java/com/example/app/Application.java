package com.example.app;

import com.example.greeting.Greeter;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

public class Application {
    static Properties config() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) p.load(in);
        }
        return p;
    }

    static String respond(Greeter greeter, String query) {
        String name = query != null && query.startsWith("name=") ? query.substring(5) : "World";
        return greeter.greet(name) + "\n";
    }

    public static void main(String[] args) throws IOException {
        Properties p = config();
        Greeter greeter = new Greeter(Locale.forLanguageTag(p.getProperty("app.locale", "en")));
        int port = Integer.parseInt(p.getProperty("server.port", "8080"));
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/", ex -> {
            byte[] body = respond(greeter, ex.getRequestURI().getQuery()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
        System.out.println("Started Application on port " + port);
    }
}
