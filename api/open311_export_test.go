package api

// What the Open311 and media tests (package api_test) see of the insides.

var (
	MediaURLFor     = mediaURLFor
	MediaURLsFor    = mediaURLsFor
	ComplaintClient = complaintClient
)
