printf a > f666 && chmod 0666 f666 && printf b > x700 && chmod 0700 x700
