// Command emrguard checks Amazon EMR clusters, security configurations and
// the infrastructure code that creates them against the EMR security best
// practices. Run `emrguard help` for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	w := &watchdog{cancel: cancel, grace: signalGrace, exit: os.Exit, stderr: os.Stderr}
	go w.watch(sigs)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	os.Exit(w.code(code))
}
