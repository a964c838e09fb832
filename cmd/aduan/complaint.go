package main

import (
	"github.com/aduan-id/aduan/api"
)

// addComplaintLoops adds the complaint side's background loops: the
// forwarder (always: with no external API it records delivery to the agency).
func (a *app) addComplaintLoops(cfg api.Config) {
	a.background = append(a.background, api.NewForwarder(a.service, cfg).Run)
}
