package api

// msg renders a text of flows/defaults/api.yaml.
func (s *Service) msg(lang, key string, vars map[string]string) string {
	if s.texts == nil {
		return key
	}
	return s.texts.Message(lang, key, vars)
}

// vars adds the report's number and title to vars.
func (s *Service) vars(r *Report, vars map[string]string) map[string]string {
	out := map[string]string{"number": r.Number, "title": r.Title}
	for k, v := range vars {
		out[k] = v
	}
	return out
}

func (s *Service) statusLabel(lang string, st Status) string {
	return s.msg(lang, "status_"+string(st), nil)
}

// noteLine renders an optional note as its own line ("" when empty).
func noteLine(s *Service, lang, note string) string {
	if note == "" {
		return ""
	}
	return s.msg(lang, "note_line", map[string]string{"note": note})
}
