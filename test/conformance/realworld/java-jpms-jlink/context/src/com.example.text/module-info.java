/** Text statistics, exported to applications. */
module com.example.text {
    exports com.example.text;
}
