package com.example.wc;

import com.example.text.Stats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public final class Main {
    static final String VERSION = Main.class.getModule().getDescriptor().rawVersion().orElse("dev");

    static int selfTest() {
        Stats s = Stats.of("the cat and the hat\nthe end\n");
        boolean ok = s.lines() == 2 && s.words() == 7 && s.chars() == 28
                && s.top(1).equals(String.format("%7d %s%n", 3, "the"));
        System.out.println(ok ? "self-test passed" : "self-test FAILED: " + s);
        return ok ? 0 : 1;
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("wc " + VERSION + " (" + Runtime.version() + ")");
            return;
        }
        if (args.length == 1 && args[0].equals("--self-test")) System.exit(selfTest());
        boolean top = args.length > 0 && args[0].equals("--top");
        String text = args.length > (top ? 1 : 0)
                ? Files.readString(Path.of(args[args.length - 1]))
                : new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        Stats s = Stats.of(text);
        System.out.printf("%7d %7d %7d%n", s.lines(), s.words(), s.chars());
        if (top) System.out.print(s.top(10));
    }
}
