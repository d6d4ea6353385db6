module github.com/example/whoami

go 1.19
