//go:build devtools

// Command routecases prints the Alertmanager routing cases of a resolved
// catalog (a build's catalog.json), one "team severity receiver" a line, for
// scripts/check-consumers.sh to check with amtool: critical alerts go to the
// team's paging receiver and on to its own notify receiver, else to its
// notify receiver; warnings to its notify
// receiver, else the catalog's default receiver. The last line is an alert of
// no team ("-"), which takes the default receiver.
//
// It reads the catalog's own words, not the generated alertmanager.yml, so
// that amtool checks the route tree against what the catalog says.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

type resolved struct {
	Settings struct {
		Alerting struct {
			DefaultTeam     string `json:"defaultTeam"`
			DefaultReceiver string `json:"defaultReceiver"`
		} `json:"alerting"`
	} `json:"settings"`
	Teams []struct {
		Name   string `json:"name"`
		Page   string `json:"page"`
		Notify string `json:"notify"`
	} `json:"teams"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: routecases CATALOG.JSON")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "routecases:", err)
		os.Exit(2)
	}
	var c resolved
	if err := json.Unmarshal(data, &c); err != nil {
		fmt.Fprintf(os.Stderr, "routecases: %s: %v\n", os.Args[1], err)
		os.Exit(2)
	}
	a := c.Settings.Alerting
	if a.DefaultTeam == "" || a.DefaultReceiver == "" {
		fmt.Fprintf(os.Stderr, "routecases: %s has no settings.alerting.defaultTeam and defaultReceiver\n", os.Args[1])
		os.Exit(2)
	}
	def := a.DefaultTeam + "-" + a.DefaultReceiver
	for _, t := range c.Teams {
		warn := def
		if t.Notify != "" {
			warn = t.Name + "-" + t.Notify
		}
		crit := warn
		if t.Page != "" {
			// A page also reaches the team's own chat (amtool prints
			// the receivers comma separated, in route order).
			crit = t.Name + "-" + t.Page
			if t.Notify != "" {
				crit += "," + t.Name + "-" + t.Notify
			}
		}
		fmt.Printf("%s critical %s\n%s warning %s\n", t.Name, crit, t.Name, warn)
	}
	fmt.Printf("- critical %s\n", def)
}
