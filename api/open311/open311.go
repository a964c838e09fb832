// Package open311 is the wire format of Open311 GeoReport v2 (JSON and XML)
// and a client for a server that speaks it. It knows nothing of Aduan's
// reports; package api maps them.
package open311

import "encoding/xml"

// Service is one entry of GET services.json.
type Service struct {
	XMLName     xml.Name `json:"-" xml:"service"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	ServiceName string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"` // realtime | batch | blackbox
	Keywords    string   `json:"keywords" xml:"keywords"`
	Group       string   `json:"group" xml:"group"`
}

// Services is the XML root of a service list.
type Services struct {
	XMLName  xml.Name  `xml:"services"`
	Services []Service `xml:"service"`
}

// ServiceDefinition is GET services/{code}.json.
type ServiceDefinition struct {
	XMLName     xml.Name    `json:"-" xml:"service_definition"`
	ServiceCode string      `json:"service_code" xml:"service_code"`
	Attributes  []Attribute `json:"attributes" xml:"attributes>attribute"`
}

// Attribute is one extra question of a service.
type Attribute struct {
	Variable            bool             `json:"variable" xml:"variable"`
	Code                string           `json:"code" xml:"code"`
	Datatype            string           `json:"datatype" xml:"datatype"`
	Required            bool             `json:"required" xml:"required"`
	DatatypeDescription string           `json:"datatype_description" xml:"datatype_description"`
	Order               int              `json:"order" xml:"order"`
	Description         string           `json:"description" xml:"description"`
	Values              []AttributeValue `json:"values,omitempty" xml:"values>value,omitempty"`
}

// AttributeValue is one choice of a list attribute.
type AttributeValue struct {
	Key  string `json:"key" xml:"key"`
	Name string `json:"name" xml:"name"`
}

// Request is one service request as GET requests.json returns it. Fields
// after Long are Aduan's extensions; a plain client ignores them.
type Request struct {
	XMLName           xml.Name `json:"-" xml:"request"`
	ServiceRequestID  string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"` // open | closed
	StatusNotes       string   `json:"status_notes,omitempty" xml:"status_notes,omitempty"`
	ServiceName       string   `json:"service_name,omitempty" xml:"service_name,omitempty"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       string   `json:"description,omitempty" xml:"description,omitempty"`
	AgencyResponsible string   `json:"agency_responsible,omitempty" xml:"agency_responsible,omitempty"`
	ServiceNotice     string   `json:"service_notice,omitempty" xml:"service_notice,omitempty"`
	RequestedDatetime string   `json:"requested_datetime,omitempty" xml:"requested_datetime,omitempty"`
	UpdatedDatetime   string   `json:"updated_datetime,omitempty" xml:"updated_datetime,omitempty"`
	ExpectedDatetime  string   `json:"expected_datetime,omitempty" xml:"expected_datetime,omitempty"`
	Address           string   `json:"address,omitempty" xml:"address,omitempty"`
	AddressID         string   `json:"address_id,omitempty" xml:"address_id,omitempty"`
	Zipcode           string   `json:"zipcode,omitempty" xml:"zipcode,omitempty"`
	Lat               *float64 `json:"lat,omitempty" xml:"lat,omitempty"`
	Long              *float64 `json:"long,omitempty" xml:"long,omitempty"`
	MediaURL          string   `json:"media_url,omitempty" xml:"media_url,omitempty"`

	// Extensions.
	Title        string  `json:"title,omitempty" xml:"title,omitempty"`
	StatusDetail string  `json:"status_detail,omitempty" xml:"status_detail,omitempty"` // Aduan status vocabulary
	LaporStatus  string  `json:"lapor_status,omitempty" xml:"lapor_status,omitempty"`
	Identity     string  `json:"identity,omitempty" xml:"identity,omitempty"`
	Channel      string  `json:"channel,omitempty" xml:"channel,omitempty"` // channel name only
	Kecamatan    string  `json:"kecamatan,omitempty" xml:"kecamatan,omitempty"`
	Replies      []Reply `json:"replies,omitempty" xml:"replies>reply,omitempty"`
	// MediaURLs are all the published photos; MediaURL is the first.
	MediaURLs []string `json:"media_urls,omitempty" xml:"media_urls>media_url,omitempty"`
}

// Reply is one admin reply in the public thread (extension).
type Reply struct {
	Text string `json:"text" xml:"text"`
	At   string `json:"datetime" xml:"datetime"`
}

// Requests is the XML root of a request list.
type Requests struct {
	XMLName  xml.Name  `xml:"service_requests"`
	Requests []Request `xml:"request"`
}

// Created is one element of POST requests.json's answer.
type Created struct {
	XMLName          xml.Name `json:"-" xml:"request"`
	ServiceRequestID string   `json:"service_request_id,omitempty" xml:"service_request_id,omitempty"`
	Token            string   `json:"token,omitempty" xml:"token,omitempty"`
	ServiceNotice    string   `json:"service_notice,omitempty" xml:"service_notice,omitempty"`
	AccountID        string   `json:"account_id,omitempty" xml:"account_id,omitempty"`
}

// CreatedList is the XML root of POST requests.xml's answer.
type CreatedList struct {
	XMLName xml.Name  `xml:"service_requests"`
	Created []Created `xml:"request"`
}

// Error is one element of an Open311 error list.
type Error struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

// Errors is the XML root of an error list.
type Errors struct {
	XMLName xml.Name `xml:"errors"`
	Errors  []Error  `xml:"error"`
}

// Discovery is the Open311 service discovery file (discovery.json/.xml).
type Discovery struct {
	XMLName    xml.Name   `json:"-" xml:"discovery"`
	Changeset  string     `json:"changeset" xml:"changeset"`
	Contact    string     `json:"contact" xml:"contact"`
	KeyService string     `json:"key_service" xml:"key_service"`
	Endpoints  []Endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

// Endpoint is one API endpoint of a discovery file.
type Endpoint struct {
	Specification string   `json:"specification" xml:"specification"` // e.g. http://wiki.open311.org/GeoReport_v2
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"` // production | test
	Formats       []string `json:"formats" xml:"formats>format"`
}

// SpecGeoReportV2 is the specification token of GeoReport v2 endpoints.
const SpecGeoReportV2 = "http://wiki.open311.org/GeoReport_v2"
