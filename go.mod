module github.com/perdiem/perdiem

go 1.26
