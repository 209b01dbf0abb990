package cli

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// onSignal runs cleanup when SIGINT or SIGTERM arrives, then lets the
// process die of that signal as it would have without svcgen's handler, so
// that a shell or CI runner sees an interrupted command. Where the signal
// was ignored when svcgen started (nohup), it exits with 128 + the signal's
// number instead. stop ends the handling (the build finished); a signal
// after that acts as usual.
func onSignal(cleanup func(os.Signal)) (stop func()) {
	ch := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case sig := <-ch:
			cleanup(sig)
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			if self, err := os.FindProcess(os.Getpid()); err == nil {
				self.Signal(sig)
			}
			time.Sleep(time.Second)
			os.Exit(128 + int(sig.(syscall.Signal)))
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

// awaitSignal blocks a command whose build a signal interrupted: the signal
// handler ends the process.
func awaitSignal() { select {} }
