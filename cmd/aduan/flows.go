package main

import (
	"flag"
	"fmt"

	"github.com/aduan-id/aduan/flows"
)

func runFlowsCheck(args []string) error {
	fs := flag.NewFlagSet("flows check", flag.ContinueOnError)
	c, err := loadConfig(&cmdFlowsCheck, fs, args)
	if err != nil {
		return err
	}
	set, err := flows.Load(c.FlowsDir)
	if err != nil {
		return err
	}
	cat := set.Catalog()
	fmt.Fprintf(stdout, "flows OK: %d services, %d agencies, %d kecamatan (%s)\n",
		len(cat.Services), len(cat.Agencies), len(cat.Kecamatan), cat.Region.Name)
	return nil
}
