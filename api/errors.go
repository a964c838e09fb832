package api

import (
	"errors"
	"net/http"
	"strings"
)

// Errors of the complaint side. Callers match them with errors.Is; HTTPStatus
// is the one place they become HTTP statuses.
var (
	ErrNotFound     = errors.New("not found")
	ErrInvalid      = errors.New("invalid request")
	ErrForbidden    = errors.New("forbidden")
	ErrUnauthorized = errors.New("unauthorized")
	ErrConflict     = errors.New("conflict")
	ErrTooLarge     = errors.New("request body too large")
)

// HTTPStatus maps an error of this package to an HTTP status: 500 for
// anything unknown (whose text must then not be shown to the caller).
func HTTPStatus(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, ErrConflict):
		return http.StatusConflict
	case errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// PublicMessage is the text an HTTP caller may see for err: the error's own
// text for the known kinds, "internal error" otherwise.
func PublicMessage(err error) string {
	if HTTPStatus(err) == http.StatusInternalServerError {
		return "internal error"
	}
	return err.Error()
}

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
