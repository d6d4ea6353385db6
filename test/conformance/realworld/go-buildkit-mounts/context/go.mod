module github.com/example/buildkitd

go 1.19
