package com.example.boot.loader;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The launcher of a layered executable jar, after Spring Boot's loader:
 * - `java -Djarmode=layertools -jar app.jar extract` writes the jar's entries into one
 *   directory per layer named in BOOT-INF/layers.idx (entries of no layer go to the last);
 * - `java com.example.boot.loader.JarLauncher`, run in the directory those layers were copied
 *   into, starts Start-Class with BOOT-INF/classes and BOOT-INF/lib/*.jar on the class path.
 */
public final class JarLauncher {
    public static void main(String[] args) throws Exception {
        if ("layertools".equals(System.getProperty("jarmode"))) {
            Path jar = Paths.get(JarLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (args.length == 0 || !args[0].equals("extract")) {
                System.err.println("Usage: java -Djarmode=layertools -jar " + jar.getFileName() + " extract");
                System.exit(1);
            }
            extract(jar, Paths.get("."));
            return;
        }
        launch(Paths.get("."), args);
    }

    static Map<String, List<String>> layers(JarFile jar) throws IOException {
        Map<String, List<String>> layers = new LinkedHashMap<>();
        List<String> current = null;
        try (InputStream in = jar.getInputStream(jar.getEntry("BOOT-INF/layers.idx"))) {
            for (String line : new String(in.readAllBytes(), "UTF-8").split("\n")) {
                if (line.startsWith("- ")) {
                    current = new ArrayList<>();
                    layers.put(line.substring(3, line.length() - 2), current);
                } else if (line.startsWith("  - ") && current != null) {
                    current.add(line.substring(5, line.length() - 1));
                }
            }
        }
        return layers;
    }

    static void extract(Path jarPath, Path dest) throws IOException {
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            Map<String, List<String>> layers = layers(jar);
            for (String layer : layers.keySet()) Files.createDirectories(dest.resolve(layer));
            String last = new ArrayList<>(layers.keySet()).get(layers.size() - 1);
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                String layer = last;
                for (Map.Entry<String, List<String>> l : layers.entrySet()) {
                    for (String prefix : l.getValue()) {
                        if (prefix.endsWith("/") ? e.getName().startsWith(prefix) : e.getName().equals(prefix)) layer = l.getKey();
                    }
                }
                Path target = dest.resolve(layer).resolve(e.getName()).normalize();
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = jar.getInputStream(e)) {
                    Files.copy(in, target);
                }
            }
        }
    }

    static void launch(Path root, String[] args) throws Exception {
        Manifest mf;
        try (InputStream in = Files.newInputStream(root.resolve("META-INF/MANIFEST.MF"))) {
            mf = new Manifest(in);
        }
        List<URL> urls = new ArrayList<>();
        urls.add(root.resolve("BOOT-INF/classes/").toUri().toURL());
        Path lib = root.resolve("BOOT-INF/lib");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> jars = Files.list(lib)) {
                for (Path p : jars.sorted().toList()) urls.add(p.toUri().toURL());
            }
        }
        ClassLoader cl = new URLClassLoader(urls.toArray(new URL[0]), JarLauncher.class.getClassLoader());
        Thread.currentThread().setContextClassLoader(cl);
        Method main = cl.loadClass(mf.getMainAttributes().getValue("Start-Class")).getMethod("main", String[].class);
        main.invoke(null, (Object) args);
    }
}
