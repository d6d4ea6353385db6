package com.example.app;

import com.example.greeting.Greeter;
import java.util.Locale;

public final class ApplicationTests {
    public static void main(String[] args) throws Exception {
        String got = Application.respond(new Greeter(Locale.FRENCH), "name=Duke");
        if (!got.equals("Bonjour, Duke!\n")) throw new AssertionError(got);
        if (!Application.respond(new Greeter(Locale.ENGLISH), null).equals("Hello, World!\n")) throw new AssertionError("default name");
        if (!"fr".equals(Application.config().getProperty("app.locale"))) throw new AssertionError("application.properties");
        System.out.println("Tests run: 3, Failures: 0");
    }
}
