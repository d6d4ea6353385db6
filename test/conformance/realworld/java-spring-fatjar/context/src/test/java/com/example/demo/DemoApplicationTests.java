package com.example.demo;

import com.example.demo.web.Dispatcher;

/** What `./gradlew test` would run: plain assertions, no framework (nothing to download). */
public final class DemoApplicationTests {
    private static int failures;

    private static void check(boolean ok, String what) {
        System.out.println((ok ? "PASSED " : "FAILED ") + what);
        if (!ok) failures++;
    }

    public static void main(String[] args) throws Exception {
        Dispatcher d = new Dispatcher(new GreetingController(DemoApplication.settings().getProperty("greeting.template")));
        check(d.routes().keySet().toString().equals("[/actuator/health, /greeting]"), "routes are discovered from @GetMapping");
        Object[] r = d.handle("/greeting");
        check(r[0].equals(200) && r[1].equals("{\"id\":1,\"content\":\"Hello, World!\"}"), "greeting() answers JSON: " + r[1]);
        check(d.handle("/greeting")[1].toString().startsWith("{\"id\":2,"), "the counter increments");
        check(d.handle("/nope")[0].equals(404), "unknown paths are 404");
        System.exit(failures == 0 ? 0 : 1);
    }
}
