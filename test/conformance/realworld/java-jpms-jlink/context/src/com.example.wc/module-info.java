/** The wc command line tool. */
module com.example.wc {
    requires com.example.text;
}
