module github.com/emrguard/emrguard

go 1.26
