package com.example.greeting;

import java.util.Locale;

/** A dependency jar: greetings in a few languages. */
public final class Greeter {
    private final Locale locale;

    public Greeter(Locale locale) {
        this.locale = locale;
    }

    public String greet(String name) {
        String hello = switch (locale.getLanguage()) {
            case "de" -> "Hallo";
            case "fr" -> "Bonjour";
            case "es" -> "Hola";
            default -> "Hello";
        };
        return hello + ", " + name + "!";
    }
}
