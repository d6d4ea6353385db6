package com.example.demo;

import com.example.demo.web.GetMapping;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

public class GreetingController {
    private final AtomicLong counter = new AtomicLong();
    private final String template;

    public GreetingController(String template) {
        this.template = template;
    }

    @GetMapping("/greeting")
    public Map<String, Object> greeting() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", counter.incrementAndGet());
        m.put("content", String.format(template, "World"));
        return m;
    }

    @GetMapping("/actuator/health")
    public Map<String, Object> health() {
        return Map.of("status", "UP");
    }
}
