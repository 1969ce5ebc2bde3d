module perdiem

go 1.26
