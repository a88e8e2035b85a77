package main

import (
	"github.com/spf13/cobra"
)

// colorMode is the --color flag: auto, always or never.
type colorMode string

// setColor checks the --color flag.
func (e *env) setColor(cmd *cobra.Command) error {
	return oneOf(cmd, "color", string(e.color), "auto", "always", "never")
}

// colorful reports whether output to a stream, a terminal or not, gets
// colour: always with --color=always; never with --color=never; else on a
// terminal, unless NO_COLOR is set (https://no-color.org) or TERM is dumb.
func (e *env) colorful(terminal bool) bool {
	switch e.color {
	case "always":
		return true
	case "never":
		return false
	}
	return terminal && e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb"
}

// A style is an SGR sequence.
type style string

const (
	red    style = "31"
	yellow style = "33"
	green  style = "32"
	bold   style = "1"
)

// A painter colours text, or leaves it alone.
type painter bool

func (p painter) paint(s style, text string) string {
	if !p || text == "" {
		return text
	}
	return "\x1b[" + string(s) + "m" + text + "\x1b[0m"
}

// severity colours a severity: errors red, warnings yellow.
func (p painter) severity(sev string) string {
	switch sev {
	case "error":
		return p.paint(red, sev)
	case "warning":
		return p.paint(yellow, sev)
	}
	return sev
}

// stdoutPainter and stderrPainter colour what goes to each stream.
func (e *env) stdoutPainter() painter { return painter(e.colorful(e.stdoutTerminal)) }
func (e *env) stderrPainter() painter { return painter(e.colorful(e.stderrTerminal)) }
