package com.example.demo;

import com.example.demo.web.Dispatcher;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Properties;

public class DemoApplication {
    public static Properties settings() throws IOException {
        Properties p = new Properties();
        try (InputStream in = DemoApplication.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        return p;
    }

    public static void main(String[] args) throws IOException {
        Properties p = settings();
        int port = Integer.parseInt(System.getenv().getOrDefault("SERVER_PORT", p.getProperty("server.port")));
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/", new Dispatcher(new GreetingController(p.getProperty("greeting.template"))));
        server.start();
        System.out.printf("Started %s on port %d (Java %s)%n", p.getProperty("spring.application.name"), port, Runtime.version());
    }
}
