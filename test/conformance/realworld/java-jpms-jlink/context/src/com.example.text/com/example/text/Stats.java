package com.example.text;

import java.util.Map;
import java.util.TreeMap;

/** Counts of one text, as wc prints them, plus word frequencies. */
public record Stats(long lines, long words, long chars, Map<String, Integer> frequencies) {
    public static Stats of(String text) {
        long lines = text.chars().filter(c -> c == '\n').count();
        Map<String, Integer> freq = new TreeMap<>();
        long words = 0;
        for (String w : text.split("\\s+")) {
            if (w.isEmpty()) continue;
            words++;
            freq.merge(w.toLowerCase().replaceAll("[^\\p{L}\\p{N}]", ""), 1, Integer::sum);
        }
        freq.remove("");
        return new Stats(lines, words, text.codePointCount(0, text.length()), freq);
    }

    public String top(int n) {
        StringBuilder sb = new StringBuilder();
        frequencies.entrySet().stream()
                .sorted((a, b) -> b.getValue() != a.getValue().intValue() ? b.getValue() - a.getValue() : a.getKey().compareTo(b.getKey()))
                .limit(n)
                .forEach(e -> sb.append(String.format("%7d %s%n", e.getValue(), e.getKey())));
        return sb.toString();
    }
}
