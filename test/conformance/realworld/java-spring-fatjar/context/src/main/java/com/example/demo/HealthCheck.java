package com.example.demo;

import java.net.HttpURLConnection;
import java.net.URL;

/** The container's HEALTHCHECK: exit 0 when /actuator/health answers 200. */
public final class HealthCheck {
    public static void main(String[] args) throws Exception {
        String port = System.getenv().getOrDefault("SERVER_PORT", "8080");
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/actuator/health").openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(2000);
        System.exit(c.getResponseCode() == 200 ? 0 : 1);
    }
}
