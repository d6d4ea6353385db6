module github.com/example/node_exporter

go 1.19
